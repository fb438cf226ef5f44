from django.urls import include, path

# Apps that serve an API; each has an api_urls.py (tests/test_api_urls.py keeps the two in step).
API_APPS = ["usage", "activities", "scoring", "suggestions", "integrations", "dashboards"]

urlpatterns = [path("", include(f"apps.{app}.api_urls")) for app in API_APPS]
