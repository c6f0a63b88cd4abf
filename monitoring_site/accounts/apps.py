from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "monitoring_site.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from monitoring_site.accounts import signals

        signals.connect()
