from django.apps import AppConfig


class TrustConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.trust"

    def ready(self) -> None:
        from apps.trust.audit import register_audited_models

        register_audited_models()
