from django.urls import URLPattern, URLResolver, path

from apps.pulse import views

app_name = "pulse"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.overview, name="overview"),
    path("team/", views.team, name="team"),
    path("check/", views.check, name="check"),
    path("skip/", views.skip, name="skip"),
    path("mine/", views.mine, name="mine"),
    path("settings/", views.settings, name="settings"),
]
