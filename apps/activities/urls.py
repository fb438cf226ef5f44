from django.urls import path

from apps.activities import views

app_name = "activities"

urlpatterns = [
    path("log/", views.log, name="log"),
    path("targets/", views.targets, name="targets"),
]
