from django.urls import path

from apps.digests import views

app_name = "digests"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("all/", views.archive, name="list"),
    path("<int:digest_id>/", views.detail, name="detail"),
]
