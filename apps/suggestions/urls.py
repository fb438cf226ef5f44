from django.urls import path

from apps.suggestions import views

app_name = "suggestions"

urlpatterns = [
    path("<int:suggestion_id>/decide/", views.decide, name="decide"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/toggle/", views.rule_toggle, name="rule_toggle"),
]
