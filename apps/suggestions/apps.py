from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.suggestions"

    def ready(self) -> None:
        from apps.activities.next_steps import register_next_step_source
        from apps.suggestions.next_steps import SUGGESTIONS_AS_NEXT_STEPS

        register_next_step_source(SUGGESTIONS_AS_NEXT_STEPS)
