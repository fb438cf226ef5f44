from django.urls import path

from apps.roles import views

app_name = "roles"

urlpatterns = [
    path("", views.role_list, name="list"),
    path("new/", views.role_create, name="create"),
    path("<int:role_id>/", views.role_edit, name="edit"),
]
