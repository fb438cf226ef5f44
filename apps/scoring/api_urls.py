from django.urls import path

from apps.scoring.api import MyScoreApi, PersonScoreApi

urlpatterns = [
    path("me/score/", MyScoreApi.as_view(), name="api-my-score"),
    path("people/<int:user_id>/score/", PersonScoreApi.as_view(), name="api-person-score"),
]
