from django.urls import path

from apps.activities import correction_views, deal_views, views

app_name = "activities"

urlpatterns = [
    path("log/", views.log, name="log"),
    path("targets/", views.targets, name="targets"),
    path("mine/", correction_views.mine, name="mine"),
    path("deals/", deal_views.deals, name="deals"),
    path("deals/<int:deal_id>/stage/", deal_views.deal_stage, name="deal_stage"),
    path("<int:activity_id>/correct/", correction_views.correct, name="correct"),
]
