from django.apps import AppConfig


class AdoptionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.adoption"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from apps.adoption.receivers import record_login

        user_logged_in.connect(record_login, dispatch_uid="adoption_record_login")

        from apps.adoption.selectors import phase_impact_estimate
        from apps.rollout.impact import register_impact_reader

        register_impact_reader(phase_impact_estimate)
