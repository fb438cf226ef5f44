from django.urls import URLPattern, URLResolver

app_name = "givegets"

urlpatterns: list[URLPattern | URLResolver] = []
