"""Spreadsheet imports: one job per uploaded file, and the rows it could not import."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.roles.models import Organisation


class ImportKind(models.TextChoices):
    ACTIVITIES = "activities", _("Activities (calls, meetings, e-mails, notes)")
    DEALS = "deals", _("Deals")


class UnknownAccounts(models.TextChoices):
    """What to do with a row naming an account the CRM does not know."""

    REJECT = "reject", _("Reject the row, so I can fix the name and import it again")
    CREATE = "create", _("Create the account")
    LEAVE_EMPTY = "leave_empty", _("Import the deal without an account")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    MAPPED = "mapped", _("Columns mapped")
    PREVIEWED = "previewed", _("Previewed")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def import_file_path(instance: "ImportJob", filename: str) -> str:
    """Store uploads under imports/<organisation>/ with the job's checksum, never the user's name."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"imports/{instance.organisation_id}/{instance.sha256}.{extension}"


class ImportJob(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="import_jobs")
    file = models.FileField(_("file"), upload_to=import_file_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    kind = models.CharField(_("what the file holds"), max_length=16, choices=ImportKind.choices)
    columns = models.JSONField(_("detected columns"), default=list, blank=True)
    header_row = models.PositiveIntegerField(_("header row number"), default=1)
    delimiter = models.CharField(_("CSV delimiter"), max_length=1, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True,
                               help_text=_("Field name → column index."))
    unknown_accounts = models.CharField(
        _("rows naming an unknown account"), max_length=16, choices=UnknownAccounts.choices,
        default=UnknownAccounts.REJECT,
    )
    day_first = models.BooleanField(_("read ambiguous dates day first"), default=True)
    preview = models.JSONField(_("dry-run result"), default=dict, blank=True)
    language = models.CharField(_("language for row messages"), max_length=10, default="en")
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    failure_message = models.TextField(_("why it failed"), blank=True)
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    skipped_duplicates = models.PositiveIntegerField(_("rows already imported"), default=0)
    updated_rows = models.PositiveIntegerField(_("rows that updated a deal"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["owner", "created_at"], name="importjob_owner_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows")), name="importjob_processed_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        if self.status == ImportStatus.DONE:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ImportRowError(models.Model):
    """A row that was not imported, with the original cells so it can be fixed and re-imported."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row number in the file"))
    raw = models.JSONField(_("original cells"), default=list)
    messages = models.JSONField(_("problems"), default=list)

    class Meta:
        verbose_name = _("row that could not be imported")
        verbose_name_plural = _("rows that could not be imported")
        ordering = ["job", "row_number"]
        constraints = [models.UniqueConstraint(fields=["job", "row_number"], name="importrowerror_unique_row")]

    def __str__(self) -> str:
        return f"row {self.row_number}: {'; '.join(self.messages)}"


class ImportedDeal(models.Model):
    """Which deal a file's row became, and the values the last file gave it.

    The key is the file's opportunity id when it has one, else owner, account and name. A
    re-exported row is compared with `values`: what changed in the other CRM updates the deal;
    what did not change leaves edits made here alone.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="imported_deals")
    key = models.CharField(_("identity in the file"), max_length=64)
    deal = models.OneToOneField("activities.Deal", on_delete=models.CASCADE, related_name="import_source")
    values = models.JSONField(_("values of the last import"), default=dict)
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(_("last imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("imported deal")
        verbose_name_plural = _("imported deals")
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="importeddeal_unique_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.deal_id}"
