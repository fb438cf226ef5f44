from django.apps import AppConfig


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.imports"

    def ready(self) -> None:
        # Register the tasks now: services enqueue them by name (apps.core.enqueue), and
        # Celery's autodiscovery only imports task modules lazily.
        from apps.imports import tasks  # noqa: F401
