from django.apps import AppConfig


class TrustConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.trust"

    def ready(self) -> None:
        from apps.roles.history import register_history_reader
        from apps.trust.audit import register_audited_models
        from apps.trust.selectors import history_lines

        register_audited_models()
        register_history_reader(history_lines)
