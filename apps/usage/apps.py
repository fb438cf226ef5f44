from django.apps import AppConfig


class UsageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.usage"

    def ready(self) -> None:
        # Register the drain task now: services enqueue it by name, and Celery's autodiscovery
        # only imports task modules lazily.
        from apps.usage import tasks  # noqa: F401
