from django.urls import path

from apps.people import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("<int:user_id>/", views.person_edit, name="edit"),
    path("<int:user_id>/invite/", views.person_invite, name="invite"),
    path("<int:user_id>/active/", views.person_active, name="active"),
]
