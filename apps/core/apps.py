from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apps.core"

    def ready(self) -> None:
        from celery.signals import before_task_publish
        from django.core.signals import request_finished

        # Registers the OpenAPI description of our basic auth (drf-spectacular extensions
        # register themselves when their module is imported).
        from apps.core import schema  # noqa: F401
        from apps.core.log import add_request_id_to_message, clear_request_id

        before_task_publish.connect(add_request_id_to_message, dispatch_uid="core_request_id_to_task")
        request_finished.connect(clear_request_id, dispatch_uid="core_clear_request_id")
