"""Every app's api_urls.py is wired into /api/ and serves at least one endpoint."""

from importlib import import_module
from pathlib import Path

from crm_adoption.api_urls import API_APPS

APPS_DIR = Path(__file__).resolve().parents[1] / "apps"


def test_the_wired_apps_are_exactly_those_with_an_api_urls_module() -> None:
    assert sorted(API_APPS) == sorted(path.parent.name for path in APPS_DIR.glob("*/api_urls.py"))


def test_every_wired_api_urls_module_declares_an_endpoint() -> None:
    empty = [app for app in API_APPS if not import_module(f"apps.{app}.api_urls").urlpatterns]
    assert empty == []
