from django.urls import URLPattern, URLResolver

app_name = "pulse"

urlpatterns: list[URLPattern | URLResolver] = []
