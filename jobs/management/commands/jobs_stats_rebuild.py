from django.core.management.base import BaseCommand

from jobs.services.stats import stats_rebuild


class Command(BaseCommand):
    help = "Recompute the jobs statistics buckets from the job table (all organizations, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--organization", type=int, help="Only this organization's id.")

    def handle(self, *args, **options):
        count = stats_rebuild(organization_id=options["organization"])
        self.stdout.write(f"{count} buckets written.")
