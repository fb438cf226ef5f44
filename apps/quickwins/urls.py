from django.urls import path

from apps.quickwins import views

app_name = "quickwins"

urlpatterns = [
    path("", views.milestones, name="milestones"),
    path("new/", views.milestone_create, name="milestone_create"),
    path("<int:milestone_id>/edit/", views.milestone_edit, name="milestone_edit"),
    path("<int:milestone_id>/delete/", views.milestone_delete, name="milestone_delete"),
    path("nudges/<int:nudge_id>/read/", views.nudge_read, name="nudge_read"),
]
