from django.apps import AppConfig


class GivegetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.givegets"
