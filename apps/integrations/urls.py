from django.urls import path

from apps.integrations import views

app_name = "integrations"

urlpatterns = [
    path("keys/", views.keys, name="keys"),
    path("keys/<str:prefix>/revoke/", views.key_revoke, name="key_revoke"),
    path("identities/", views.identities, name="identities"),
    path("usage-imports/", views.usage_imports, name="usage_imports"),
    path("usage-imports/<int:pk>/", views.usage_import, name="usage_import"),
]
