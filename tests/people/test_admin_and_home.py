import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client

from apps.usage.models import UsageEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db


# Kept out on purpose: individual pulse answers and suggestions are seen only by the person.
PRIVATE = {"PulseResponse", "Suggestion"}
# Django's admin cannot show a model with a composite primary key; each key is shown on its event.
COMPOSITE_KEYS = {"UsageEventKey"}


def test_every_model_of_the_project_is_in_the_admin() -> None:
    ours = [m for m in apps.get_models() if m.__module__.startswith("apps.")]
    assert {m.__name__ for m in ours if not admin.site.is_registered(m)} == PRIVATE | COMPOSITE_KEYS


def test_usage_events_are_read_only_in_the_admin(world: World) -> None:
    User.objects.create_superuser("root", "root@example.com", "pw")
    client = Client()
    client.login(username="root", password="pw")
    assert client.get("/admin/usage/usageevent/").status_code == 200
    assert client.get("/admin/usage/usageevent/add/").status_code == 403
    model_admin = admin.site._registry[UsageEvent]
    assert not model_admin.has_delete_permission(client.request().wsgi_request)


def test_each_role_kind_lands_on_its_own_home(world: World) -> None:
    assert world.client_for(world.sam).get("/").url == "/service/accounts/"
    assert world.client_for(world.maja).get("/").url == "/campaigns/results/"
    assert world.client_for(world.rita).get("/").url == "/me/"
    assert world.client_for(world.mads).get("/").url == "/team/"
    assert world.client_for(world.lene).get("/").url == "/lead/"
