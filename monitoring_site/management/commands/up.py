"""``manage.py up``: the whole platform in one command (DESIGN section 3).

Starts the embedded Redis when ``REDIS_URL`` is unset, migrates, collects static files, creates the first
admin with an organization it owns, then runs the ASGI web server, one Celery worker and Celery beat as
children until Ctrl-C or SIGTERM. A child that dies is restarted; one that dies three times in a minute,
or the embedded Redis, stops everything (``monitoring_site.supervisor``).
"""

from __future__ import annotations

import os
import signal
import socket
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from monitoring_site.accounts.services import admin_bootstrap
from monitoring_site.embedded_redis import EmbeddedRedis
from monitoring_site.env import env_int, env_str
from monitoring_site.supervisor import Supervisor


class Command(BaseCommand):
    help = "Start the platform: web (ASGI), worker, beat and, without REDIS_URL, an embedded Redis."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PORT", 8000, minimum=1))
        parser.add_argument("--concurrency", type=int, default=settings.CELERY_WORKER_CONCURRENCY)
        parser.add_argument("--web-workers", type=int, default=env_int("WEB_CONCURRENCY", 2, minimum=1))

    def handle(self, *args, **options):
        os.umask(0o077)  # what the platform's processes write under var/ (Redis's files, logs) is private
        supervisor = Supervisor(say=lambda text: self.stdout.write(text))
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGINT, supervisor.request_stop)
        try:
            code = self._run(supervisor, options)
        finally:
            self.stdout.write("Stopping the platform...")
            supervisor.stop_all()
            self.stdout.write("Stopped.")
        if code:
            raise CommandError("a platform process died; see the messages above", returncode=code)

    def _run(self, supervisor: Supervisor, options) -> int:
        if settings.REDIS_EMBEDDED:
            redis = EmbeddedRedis(settings.REDIS_SOCKET, settings.VAR_DIR / "redis")
            supervisor.adopt("redis", redis.start())
            self.stdout.write(f"Embedded Redis on {settings.REDIS_SOCKET}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        user, password = admin_bootstrap(
            username=env_str("ADMIN_USERNAME", "admin"),
            password=env_str("ADMIN_PASSWORD") or None,
            email=env_str("ADMIN_EMAIL", ""),
            organization_name=env_str("ADMIN_ORGANIZATION", "Default"),
        )
        if supervisor.stopping:
            return 0

        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "VAR_DIR": str(settings.VAR_DIR),
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "monitoring_site.settings"),
        }
        python = sys.executable
        host, port = options["host"], options["port"]
        supervisor.spawn(
            "web",
            [
                python,
                "-m",
                "uvicorn",
                "monitoring_site.asgi:application",
                "--host",
                host,
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--timeout-graceful-shutdown",
                "5",
                "--log-level",
                "warning",
                # The client address is the socket's peer: X-Forwarded-For counts only where the platform's
                # own TRUST_X_FORWARDED_FOR says so (uvicorn would otherwise trust it from 127.0.0.1).
                "--no-proxy-headers",
                # Django runs sync views on one thread per process, so web concurrency comes from processes.
                "--workers",
                str(options["web_workers"]),
            ],
            env,
        )
        celery = [python, "-m", "celery", "-A", "monitoring_site"]
        host_name = socket.gethostname()
        supervisor.spawn("worker", [
            *celery, "worker", "--loglevel", "INFO", "--queues", "celery",
            "--concurrency", str(options["concurrency"]), "--hostname", f"worker-{os.getpid()}@{host_name}",
        ], env)  # fmt: skip
        supervisor.spawn("checker", [
            *celery, "worker", "--loglevel", "INFO", "--queues", "dispatch,checks", "--pool", "threads",
            "--concurrency", str(settings.CHECK_WORKER_CONCURRENCY),
            "--hostname", f"checker-{os.getpid()}@{host_name}",
        ], env)  # fmt: skip
        supervisor.spawn("jobs", [
            *celery, "worker", "--loglevel", "INFO", "--queues", "jobs", "--pool", "threads",
            "--concurrency", str(settings.JOBS_WORKER_CONCURRENCY),
            "--hostname", f"jobs-{os.getpid()}@{host_name}",
        ], env)  # fmt: skip
        supervisor.spawn("beat", [*celery, "beat", "--loglevel", "INFO"], env)

        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        url = f"http://{shown_host}:{port}"
        lines = [
            "",
            f"  Monitoring platform running at {url}/",
            f"  API: {url}/api/v1   docs: {url}/api/docs   admin: {url}/admin/",
            f"  Admin user: {user.get_username()}",
        ]
        if password:
            lines.append(
                f"  Password:   {password}   (generated; shown this once, change it after logging in)"
            )
        elif env_str("ADMIN_PASSWORD"):
            lines.append("  Password:   the one in ADMIN_PASSWORD")
        lines += ["  Stop with Ctrl-C.", ""]
        self.stdout.write("\n".join(lines))
        self.stdout.flush()
        return supervisor.watch()
