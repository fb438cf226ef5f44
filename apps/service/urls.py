from django.urls import path

from apps.service import views

app_name = "service"

urlpatterns = [
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<int:account_id>/", views.timeline, name="timeline"),
    path("cases/new/", views.case_log, name="case_log"),
    path("cases/<int:case_id>/status/", views.case_status, name="case_status"),
]
