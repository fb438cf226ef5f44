"""Organisations, roles, teams and who belongs where."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A measured entry longer than this is a form left open; it counts as this long.
DEFAULT_ENTRY_CAP_SECONDS = 600


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class RoleKind(models.TextChoices):
    SALES_REP = "sales_rep", _("Sales rep")
    SERVICE_AGENT = "service_agent", _("Service agent")
    MARKETER = "marketer", _("Marketer")
    MANAGER = "manager", _("Manager")
    PROJECT_LEAD = "project_lead", _("Project lead")


class Role(models.Model):
    """A role in an organisation, with the scoring values that apply to its members."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("kind"), max_length=32, choices=RoleKind.choices)
    name = models.CharField(_("name"), max_length=100)
    entry_cap_seconds = models.PositiveIntegerField(
        _("entry time cap (seconds)"),
        default=DEFAULT_ENTRY_CAP_SECONDS,
        help_text=_("A measured entry longer than this counts as this long (a form left open)."),
    )
    suggestion_accepted_minutes = models.DecimalField(
        _("minutes per accepted suggestion"), max_digits=6, decimal_places=2, default=5
    )
    recognition_minutes = models.DecimalField(
        _("minutes per recognition received"), max_digits=6, decimal_places=2, default=3
    )
    pulse_weight = models.DecimalField(
        _("weight of perceived value in the score"), max_digits=3, decimal_places=2, default=0.3
    )
    wiifm = models.TextField(
        _("what's in it for me"), blank=True,
        help_text=_("Shown to the role's people on their first page: what the CRM gives them."),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        # Several roles may share a kind (field sales and inside sales both land on the rep's page).
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="role_unique_name_per_org"),
            models.CheckConstraint(
                condition=models.Q(pulse_weight__gte=0) & models.Q(pulse_weight__lte=1),
                name="role_pulse_weight_0_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's one role in an organisation, and when the CRM went live for them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")
    go_live_on = models.DateField(_("go-live date"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_one_role_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.role}"


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=100)
    members: models.ManyToManyField = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="TeamMember", related_name="teams", blank=True
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    is_manager = models.BooleanField(_("manages the team"), default=False)
    is_ambassador = models.BooleanField(_("ambassador"), default=False)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="teammember_unique")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"

