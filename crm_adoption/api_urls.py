from django.urls import include, path

API_APPS = [
    "usage", "activities", "scoring", "rollout", "givegets", "quickwins", "pulse", "ambassadors",
    "digests", "imports", "campaigns", "service", "coaching", "trust", "suggestions",
    "integrations",
]

urlpatterns = [path("", include(f"apps.{app}.api_urls")) for app in API_APPS]
