from django.urls import path

from apps.people import views

app_name = "pipeline"

urlpatterns = [
    path("", views.stage_list, name="stages"),
    path("new/", views.stage_create, name="stage_create"),
    path("<int:stage_id>/", views.stage_edit, name="stage_edit"),
    path("<int:stage_id>/move/", views.stage_move, name="stage_move"),
    path("<int:stage_id>/delete/", views.stage_delete, name="stage_delete"),
]
