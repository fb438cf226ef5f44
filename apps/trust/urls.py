from django.urls import path

from apps.trust import views

app_name = "trust"

urlpatterns = [
    path("charter/", views.charter, name="charter"),
]
