from django.urls import path

from apps.trust import views

app_name = "trust"

urlpatterns = [
    path("charter/", views.charter, name="charter"),
    path("charter/edit/", views.charter_edit, name="charter_edit"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export.json", views.my_data_json, name="my_data_json"),
    path("my-data/export.zip", views.my_data_csv, name="my_data_csv"),
    path("history/", views.history, name="history"),
    path("erase/", views.erase, name="erase"),
    path("history/export.json", views.history_json, name="history_json"),
    path("history/export.zip", views.history_csv, name="history_csv"),
]
