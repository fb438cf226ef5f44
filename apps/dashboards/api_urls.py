from django.urls import path

from apps.dashboards.api import PersonScoreApi

urlpatterns = [
    path("people/<int:user_id>/score/", PersonScoreApi.as_view(), name="api-person-score"),
]
