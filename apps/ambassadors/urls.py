from django.urls import URLPattern, URLResolver

app_name = "ambassadors"

urlpatterns: list[URLPattern | URLResolver] = []
