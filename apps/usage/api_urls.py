from django.urls import path

from apps.usage.api import EventIngestApi

urlpatterns = [
    path("events/", EventIngestApi.as_view(), name="api-events"),
]
