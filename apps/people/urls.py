from django.contrib.auth import views as auth_views
from django.urls import path

from apps.people import views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("import/", views.people_upload, name="import"),
    path("import/<str:token>/", views.people_import_preview, name="import_preview"),
    path("<int:user_id>/", views.person_edit, name="edit"),
    path("<int:user_id>/invite/", views.person_invite, name="invite"),
    path("<int:user_id>/active/", views.person_active, name="active"),
    path("welcome/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path(
        "welcome/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="people/set_password_done.html"),
        name="set_password_done",
    ),
]
