from django.urls import include, path

urlpatterns = [
    path("", include("apps.usage.api_urls")),
    path("", include("apps.activities.api_urls")),
    path("", include("apps.scoring.api_urls")),
]
