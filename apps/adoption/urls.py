from django.urls import URLPattern, URLResolver, path

from apps.adoption import views

app_name = "adoption"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.organisation, name="organisation"),
    path("me/", views.mine, name="mine"),
]
