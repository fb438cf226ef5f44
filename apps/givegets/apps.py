from django.apps import AppConfig


class GivegetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.givegets"

    def ready(self) -> None:
        # Register the tasks now: services enqueue them by name (apps.core.enqueue), and
        # Celery's autodiscovery only imports task modules lazily.
        from apps.givegets import tasks  # noqa: F401
        from apps.givegets.crm_reports import crm_report_gets_refresh
        from apps.usage.hooks import register_refresh_consumer

        # Before scoring's consumer (INSTALLED_APPS order): the score sees the gets it adds.
        register_refresh_consumer("givegets-crm-reports", crm_report_gets_refresh)
