from django.urls import URLPattern, URLResolver, path

from apps.adoption import views

app_name = "adoption"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.organisation, name="organisation"),
    path("me/", views.mine, name="mine"),
    path("seats/", views.seats, name="seats"),
    path("team/", views.teams, name="teams"),
    path("team/<int:team_id>/", views.team, name="team"),
]
