from django.urls import path

from apps.coaching import views

app_name = "coaching"

urlpatterns = [
    path("", views.team, name="team"),
    path("team/<int:team_id>/", views.team, name="team_detail"),
    path("team/<int:team_id>/people/<int:user_id>/", views.rep, name="rep"),
]
