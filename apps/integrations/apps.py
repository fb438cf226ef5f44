from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        # Registers the import tasks with Celery in every process, so the web can queue them by name.
        from apps.integrations import tasks  # noqa: F401
