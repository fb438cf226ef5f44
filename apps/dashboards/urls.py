from django.urls import path

from apps.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("team/", views.team, name="team"),
    path("team/<int:team_id>/", views.team, name="team_detail"),
    path("lead/", views.lead, name="lead"),
]
