from django.urls import path

from apps.scoring.api import MyScoreApi

urlpatterns = [
    path("me/score/", MyScoreApi.as_view(), name="api-my-score"),
]
