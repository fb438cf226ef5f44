from django.apps import AppConfig


class GivegetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.givegets"

    def ready(self) -> None:
        # Register the tasks now: services enqueue them by name (apps.core.enqueue), and
        # Celery's autodiscovery only imports task modules lazily.
        from apps.givegets import tasks  # noqa: F401
