from django.apps import AppConfig


class ScoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.scoring"

    def ready(self) -> None:
        # Register the tasks now: roles enqueue recompute_user_scores by name (apps.core.enqueue).
        from apps.scoring import tasks  # noqa: F401
        from apps.scoring.services import scores_refresh_marked
        from apps.usage.hooks import register_refresh_consumer

        register_refresh_consumer("scoring", scores_refresh_marked)
