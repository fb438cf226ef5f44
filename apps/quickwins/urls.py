from django.urls import URLPattern, URLResolver

app_name = "quickwins"

urlpatterns: list[URLPattern | URLResolver] = []
