from django.urls import path

from apps.givegets import views

app_name = "givegets"

urlpatterns = [
    path("", views.contracts, name="contracts"),
    path("new/", views.contract_create, name="contract_create"),
    path("<int:contract_id>/edit/", views.contract_edit, name="contract_edit"),
    path("<int:contract_id>/active/", views.contract_set_active, name="contract_set_active"),
    path("install-defaults/", views.install_defaults, name="install_defaults"),
]
