from django.urls import URLPattern, URLResolver, path

from apps.ambassadors import views

app_name = "ambassadors"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ambassador_list, name="list"),
    path("nominate/", views.nominate, name="nominate"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("pilot/", views.pilot, name="pilot"),
    path("kudos/", views.my_kudos, name="my_kudos"),
    path("kudos/give/", views.kudos_give, name="kudos_give"),
]
