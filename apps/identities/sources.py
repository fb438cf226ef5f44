"""The systems a person can have an identity in."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentitySource(models.TextChoices):
    SALESFORCE = "salesforce", "Salesforce"
    HUBSPOT = "hubspot", "HubSpot"
    DYNAMICS = "dynamics", "Microsoft Dynamics 365"
    CSV = "csv", _("Other CRM (CSV)")
