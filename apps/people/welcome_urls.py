from django.urls import path

from apps.people import views

app_name = "welcome"

urlpatterns = [
    path("", views.welcome, name="start"),
]
