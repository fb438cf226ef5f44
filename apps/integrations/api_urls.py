from django.urls import path

from apps.integrations.api import EventBatchApi

urlpatterns = [
    path("v1/events/", EventBatchApi.as_view(), name="api-v1-events"),
]
