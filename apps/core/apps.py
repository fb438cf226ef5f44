from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.core"

    def ready(self) -> None:
        # Registers the OpenAPI description of our basic auth (drf-spectacular extensions
        # register themselves when their module is imported).
        from apps.core import schema  # noqa: F401
