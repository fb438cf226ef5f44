from django.apps import AppConfig


class QuickwinsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.quickwins"

    def ready(self) -> None:
        from apps.quickwins.tasks import quickwins_refresh_marked
        from apps.usage.hooks import register_refresh_consumer

        register_refresh_consumer("quickwins", quickwins_refresh_marked)
