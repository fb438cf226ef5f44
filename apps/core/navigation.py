"""The main navigation: one list, each entry shown only to the audience that may open it.

Entries whose URL is not (yet) defined are skipped, so an app can ship its pages on its own.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from apps.roles.models import RoleKind
from apps.roles.policies import is_manager, is_project_lead, role_kind_of

# (url name, label, audience, group). Audiences: member, manager, lead, or a role kind.
# Group "mine" is the person's own work (top bar); "work" is what their role oversees (second bar).
NAV: list[tuple[str, Any, str, str]] = [
    ("dashboards:me", _("My score"), "member", "mine"),
    ("activities:log", _("Log activity"), "member", "mine"),
    ("digests:latest", _("My digest"), "member", "mine"),
    ("givegets:contracts", _("Give-Gets"), "member", "mine"),
    ("quickwins:milestones", _("Quick wins"), "member", "mine"),
    ("pulse:mine", _("My pulse"), "member", "mine"),
    ("imports:start", _("Import spreadsheet"), "member", "mine"),
    ("trust:my_data", _("My data"), "member", "mine"),
    ("service:accounts", _("Customers"), RoleKind.SERVICE_AGENT, "work"),
    ("campaigns:list", _("Campaigns"), RoleKind.MARKETER, "work"),
    ("dashboards:team", _("My teams"), "manager", "work"),
    ("coaching:team", _("Coaching"), "manager", "work"),
    ("rollout:team", _("Rollout"), "manager", "work"),
    ("pulse:team", _("Team pulse"), "manager", "work"),
    ("dashboards:lead", _("Rollout overview"), "lead", "work"),
    ("rollout:phases", _("Phases"), "lead", "work"),
    ("pulse:overview", _("Pulse"), "lead", "work"),
    ("suggestions:rules", _("Suggestion rules"), "lead", "work"),
    ("campaigns:overview", _("Campaign results"), "manager", "work"),
    ("campaigns:overview", _("Campaign results"), "lead", "work"),
    ("ambassadors:list", _("Ambassadors"), "member", "work"),
    ("people:list", _("People"), "lead", "work"),
    ("integrations:keys", _("Integration keys"), "lead", "work"),
    ("integrations:identities", _("Unmapped identities"), "lead", "work"),
    ("trust:history", _("Change history"), "lead", "work"),
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
    groups: dict[str, list[dict[str, Any]]] = {"mine": [], "work": []}
    if not request.user.is_authenticated:
        return {"nav_mine": [], "nav_work": []}
    seen: set[str] = set()
    for name, label, audience, group in NAV:
        if name in seen or not _audience_ok(request, audience):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        seen.add(name)
        groups[group].append({
            "url": url,
            "label": label,
            "active": request.path.startswith(url) and url != "/",
            "accesskey": ACCESS_KEYS.get(name, ""),
        })
    return {"nav_mine": groups["mine"], "nav_work": groups["work"]}
