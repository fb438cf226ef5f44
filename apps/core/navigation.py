"""The main navigation: one list, each entry shown only to the audience that may open it.

Entries whose URL is not (yet) defined are skipped, so an app can ship its pages on its own.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from apps.roles.models import RoleKind
from apps.roles.policies import is_manager, is_project_lead, role_kind_of

# (url name, label, audience). Audiences: member, manager, lead, or a role kind.
NAV: list[tuple[str, Any, str]] = [
    ("dashboards:me", _("My score"), "member"),
    ("activities:log", _("Log activity"), "member"),
    ("digests:latest", _("My digest"), "member"),
    ("imports:start", _("Import spreadsheet"), "member"),
    ("service:accounts", _("Customers"), RoleKind.SERVICE_AGENT),
    ("campaigns:list", _("Campaigns"), RoleKind.MARKETER),
    ("campaigns:overview", _("Campaign results"), "manager"),
    ("campaigns:overview", _("Campaign results"), "lead"),
    ("dashboards:team", _("My teams"), "manager"),
    ("coaching:team", _("Coaching"), "manager"),
    ("dashboards:lead", _("Rollout"), "lead"),
    ("rollout:phases", _("Phases"), "lead"),
    ("rollout:team", _("Rollout"), "manager"),
    ("givegets:contracts", _("Give-Gets"), "member"),
    ("quickwins:milestones", _("Quick wins"), "member"),
    ("ambassadors:list", _("Ambassadors"), "member"),
    ("pulse:overview", _("Pulse"), "lead"),
    ("pulse:team", _("Team pulse"), "manager"),
    ("pulse:mine", _("My pulse"), "member"),
    ("suggestions:rules", _("Suggestion rules"), "lead"),
    ("trust:my_data", _("My data"), "member"),
]


ACCESS_KEYS = {"activities:log": "l"}


def _audience_ok(request: HttpRequest, audience: str) -> bool:
    user = request.user
    if audience == "member":
        return role_kind_of(user) is not None
    if audience == "manager":
        return is_manager(user)
    if audience == "lead":
        return is_project_lead(user)
    return role_kind_of(user) == audience


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Return the navigation entries this person may open."""
    if not request.user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, audience in NAV:
        if not _audience_ok(request, audience):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({
            "url": url,
            "label": label,
            "active": request.path.startswith(url) and url != "/",
            "accesskey": ACCESS_KEYS.get(name, ""),
        })
    return {"nav_items": items}
