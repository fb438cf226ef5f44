from django.urls import URLPattern, URLResolver, path

from apps.imports import views

app_name = "imports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.start, name="start"),
    path("<int:job_id>/map/", views.map_columns, name="map"),
    path("<int:job_id>/preview/", views.preview, name="preview"),
    path("<int:job_id>/run/", views.run, name="run"),
    path("<int:job_id>/progress/", views.progress, name="progress"),
    path("<int:job_id>/status/", views.status, name="status"),
    path("<int:job_id>/", views.result, name="result"),
    path("<int:job_id>/invalid-rows.csv", views.invalid_rows, name="invalid_rows"),
]
