"""Django admin: every model of this app, listed for support and first-run fixes."""

from django.apps import apps
from django.contrib import admin

for model in apps.get_app_config("trust").get_models():
    # The audit trail has django-auditlog's own read-only admin (registered by that app).
    if model.__name__ != "AuditEntry" and not admin.site.is_registered(model):
        admin.site.register(model)
