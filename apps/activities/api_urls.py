from django.urls import path

from apps.activities.api import ActivityLogApi

urlpatterns = [
    path("activities/", ActivityLogApi.as_view(), name="api-activities"),
]
