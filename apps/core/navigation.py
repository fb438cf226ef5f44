"""The main navigation: one list of entries, each for the audience that may open it.

Who belongs to an audience is decided in `apps.roles` (its `navigation` context processor asks
`navigation_for` with a predicate), so this module knows no roles. An entry whose URL name does
not resolve is a programming error and raises, so a renamed page cannot vanish from the menu.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Audiences a role predicate must understand: everyone with a role, managers of a team,
# project leads, or one role kind (the values of apps.roles.models.RoleKind).
AUDIENCE_MEMBER = "member"
AUDIENCE_MANAGER = "manager"
AUDIENCE_LEAD = "lead"

# (url name, label, audience, group). Audiences: member, manager, lead, or a role kind.
# Group "mine" is the person's own work (top bar); "work" is what their role oversees (second bar).
NAV: list[tuple[str, Any, str, str]] = [
    ("dashboards:me", _("My score"), "member", "mine"),
    ("welcome:start", _("Getting started"), "member", "mine"),
    ("activities:log", _("Log activity"), "member", "mine"),
    ("activities:deals", _("My deals"), "member", "mine"),
    ("digests:latest", _("My digest"), "member", "mine"),
    ("givegets:contracts", _("Give-Gets"), "member", "mine"),
    ("quickwins:milestones", _("Quick wins"), "member", "mine"),
    ("pulse:mine", _("My pulse"), "member", "mine"),
    ("imports:start", _("Import spreadsheet"), "member", "mine"),
    ("trust:my_data", _("My data"), "member", "mine"),
    ("adoption:mine", _("My CRM use"), "member", "mine"),
    ("service:accounts", _("Customers"), "service_agent", "work"),
    ("campaigns:list", _("Campaigns"), "marketer", "work"),
    ("dashboards:team", _("My teams"), "manager", "work"),
    ("coaching:team", _("Coaching"), "manager", "work"),
    ("rollout:team", _("Rollout"), "manager", "work"),
    ("pulse:team", _("Team pulse"), "manager", "work"),
    ("adoption:teams", _("Team adoption"), "manager", "work"),
    ("dashboards:lead", _("Rollout overview"), "lead", "work"),
    ("rollout:phases", _("Phases"), "lead", "work"),
    ("pulse:overview", _("Pulse"), "lead", "work"),
    ("adoption:organisation", _("Adoption"), "lead", "work"),
    ("suggestions:rules", _("Suggestion rules"), "lead", "work"),
    ("campaigns:overview", _("Campaign results"), "manager", "work"),
    ("campaigns:overview", _("Campaign results"), "lead", "work"),
    ("ambassadors:list", _("Ambassadors"), "member", "work"),
    ("people:list", _("People"), "lead", "work"),
    ("roles:list", _("Roles"), "lead", "work"),
    ("pipeline:stages", _("Pipeline stages"), "lead", "work"),
    ("integrations:keys", _("Integration keys"), "lead", "work"),
    ("integrations:identities", _("Unmapped identities"), "lead", "work"),
    ("integrations:usage_imports", _("CRM usage files"), "lead", "work"),
    ("trust:history", _("Change history"), "lead", "work"),
]

ACCESS_KEYS = {"activities:log": "l"}


def entry_url(name: str) -> str:
    """Return the URL of navigation entry `name`; raise ImproperlyConfigured if it does not resolve."""
    try:
        return reverse(name)
    except NoReverseMatch as error:
        raise ImproperlyConfigured(f"Navigation entry {name!r} names no URL pattern.") from error


def navigation_for(*, path: str, may_open: Callable[[str], bool]) -> dict[str, Any]:
    """Return the entries whose audience `may_open` accepts, grouped for the two menu bars."""
    groups: dict[str, list[dict[str, Any]]] = {"mine": [], "work": []}
    seen: set[str] = set()
    for name, label, audience, group in NAV:
        if name in seen or not may_open(audience):
            continue
        url = entry_url(name)
        seen.add(name)
        groups[group].append({
            "url": url,
            "label": label,
            "active": path.startswith(url) and url != "/",
            "accesskey": ACCESS_KEYS.get(name, ""),
        })
    return {"nav_mine": groups["mine"], "nav_work": groups["work"]}
