from django.urls import path

from apps.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("results/", views.campaigns_overview, name="overview"),
    path("<int:campaign_id>/edit/", views.campaign_edit, name="edit"),
    path("<int:campaign_id>/deals/", views.campaign_attribute, name="attribute"),
    path("<int:campaign_id>/", views.campaign_report, name="report"),
]
