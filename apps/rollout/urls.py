from django.urls import URLPattern, URLResolver, path

from apps.rollout import views

app_name = "rollout"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.phases, name="phases"),
    path("new/", views.phase_create, name="create"),
    path("teams/", views.team, name="team"),
    path("<int:phase_id>/", views.phase_detail, name="detail"),
    path("<int:phase_id>/edit/", views.phase_edit, name="edit"),
    path("<int:phase_id>/move/", views.phase_move, name="move"),
    path("<int:phase_id>/go-live/", views.phase_go_live, name="go_live"),
    path("<int:phase_id>/complete/", views.phase_complete, name="complete"),
    path("<int:phase_id>/evaluate/", views.phase_evaluate, name="evaluate"),
    path("<int:phase_id>/override/", views.phase_override, name="override"),
]
