from django.urls import URLPattern, URLResolver

app_name = "rollout"

urlpatterns: list[URLPattern | URLResolver] = []
