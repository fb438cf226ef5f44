from django.apps import AppConfig


class RolloutConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.rollout"

    def ready(self) -> None:
        from apps.roles.golive import RolloutView, register_rollout_view
        from apps.rollout.selectors import organisation_runs_phases, phase_go_live_for

        register_rollout_view(RolloutView(phase_go_live=phase_go_live_for, runs_phases=organisation_runs_phases))
