from django.apps import AppConfig


class QuickwinsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.quickwins"
