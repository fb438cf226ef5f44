from django.urls import path

from apps.suggestions import views

app_name = "suggestions"

urlpatterns = [
    path("<int:suggestion_id>/decide/", views.decide, name="decide"),
]
