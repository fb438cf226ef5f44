"""The append-only usage log: everything that happened, from every source."""

import datetime as dt
from collections.abc import Iterable
from typing import Any, NoReturn

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext_lazy as _

from apps.usage.kinds import WITHDRAWAL_KEY_PREFIX, WITHDRAWAL_SOURCE, EventKind, EventSource


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a usage event."""


def _withdrawn_ids(*, since: dt.datetime | None) -> "models.QuerySet[Any]":
    withdrawals = UsageEvent.objects.filter(
        kind=EventKind.ENTRY_WITHDRAWN, source=WITHDRAWAL_SOURCE, idempotency_key__startswith=WITHDRAWAL_KEY_PREFIX
    )
    if since is not None:
        withdrawals = withdrawals.filter(occurred_at__gte=since)
    return withdrawals.annotate(
        withdrawn_id=Cast(Substr("idempotency_key", len(WITHDRAWAL_KEY_PREFIX) + 1), models.BigIntegerField())
    ).values("withdrawn_id")


class UsageEventQuerySet(models.QuerySet["UsageEvent"]):
    def not_withdrawn(self, *, since: dt.datetime | None = None) -> "UsageEventQuerySet":
        """Leave out events their author withdrew (or replaced by a correction): the log keeps both.

        One statement: the ids named by withdrawal keys come from a subquery over the few
        withdrawals (the kind-and-time index), not from probing every event. A withdrawal never
        precedes what it withdraws, so `since` (the start of the events asked for) bounds it.
        """
        return self.exclude(pk__in=_withdrawn_ids(since=since))

    def withdrawn(self, *, since: dt.datetime | None = None) -> "UsageEventQuerySet":
        """Only the events their author withdrew (or replaced by a correction); see `not_withdrawn`."""
        return self.filter(pk__in=_withdrawn_ids(since=since))

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Usage events are append-only.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AppendOnlyError("Usage events are append-only.")

    def bulk_create(self, objs: Iterable["UsageEvent"], *args: Any, **kwargs: Any) -> list["UsageEvent"]:
        """Insert events and add them to their daily rollups in the same transaction.

        Skipping or updating conflicts is refused: which rows were inserted would be unknown,
        so the rollups could not be kept. Use `apps.usage.services.usage_events_insert`.
        """
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise AppendOnlyError("Use usage_events_insert to skip known keys; the rollups need the inserted rows.")
        from apps.usage.rollups import RolledEvent, rollups_add

        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            # A key already recorded makes this insert fail (IntegrityError), events and all.
            UsageEventKey.objects.using(self.db).bulk_create([UsageEventKey.of(e) for e in created])
            rollups_add(events=[RolledEvent(e.user_id, e.kind, e.occurred_at, e.duration_seconds) for e in created])
        return created


class UsageEvent(models.Model):
    # No index of its own: `usage_user_time` starts with the person.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usage_events",
                             db_index=False)
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    duration_seconds = models.PositiveIntegerField(
        _("measured entry time (seconds)"), null=True, blank=True,
        help_text=_("Form shown to saved, when measured; empty for imports and the API."),
    )
    source = models.CharField(_("source"), max_length=20, choices=EventSource.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    objects = UsageEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("usage event")
        verbose_name_plural = _("usage events")
        # Keys are unique per source through `UsageEventKey`: on PostgreSQL this table is
        # partitioned by month of occurred_at, and a unique index there would have to include it.
        indexes = [
            models.Index(fields=["user", "occurred_at"], name="usage_user_time"),
            models.Index(fields=["kind", "occurred_at"], name="usage_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id} at {self.occurred_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Usage events are append-only.")
        # The rollups are part of the log: an event and its count commit together or not at all.
        from apps.usage.rollups import RolledEvent, rollups_add

        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            # A key already recorded makes the save fail (IntegrityError), the event with it.
            UsageEventKey.of(self).save(force_insert=True)
            rollups_add(events=[RolledEvent(self.user_id, self.kind, self.occurred_at, self.duration_seconds)])

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Usage events are append-only.")


class UsageEventKey(models.Model):
    """The idempotency key of one usage event: unique per source, whatever month the event is in.

    Written with its event in one transaction (see `UsageEvent.save` and
    `apps.usage.services.usage_events_insert_returning`); `event_id` with `occurred_at` finds the
    event in its month's partition. Retention removes a key with its event.
    """

    pk = models.CompositePrimaryKey("source", "idempotency_key")
    source = models.CharField(_("source"), max_length=20, choices=EventSource.choices)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200)
    event_id = models.BigIntegerField(_("event"))
    occurred_at = models.DateTimeField(_("occurred at"))

    class Meta:
        verbose_name = _("usage event key")
        verbose_name_plural = _("usage event keys")

    def __str__(self) -> str:
        return f"{self.source}:{self.idempotency_key}"

    @classmethod
    def of(cls, event: UsageEvent) -> "UsageEventKey":
        return cls(source=event.source, idempotency_key=event.idempotency_key, event_id=event.pk,
                   occurred_at=event.occurred_at)


class RefreshMark(models.Model):
    """A person whose new events have not yet reached their scores and quick wins.

    Written in the same transaction as the events, so a broker outage never loses the work;
    `apps.usage.tasks.drain_refresh_marks` hands marked people to the registered consumers.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                related_name="+")
    marked_at = models.DateTimeField(_("marked at"))
    since = models.DateTimeField(_("earliest new event"), help_text=_("Occurred-at of the earliest unrefreshed event."))

    class Meta:
        verbose_name = _("refresh mark")
        verbose_name_plural = _("refresh marks")

    def __str__(self) -> str:
        return f"refresh {self.user_id} since {self.since:%Y-%m-%d}"


class DailyRollup(models.Model):
    """One person's events of one kind on one local day: what scoring and pages read.

    Maintained by `apps.usage.rollups` in the same transaction as the events it counts.
    `capped_seconds` caps each measured entry at the person's role entry cap when it was
    counted; `cap_seconds` records that cap (empty when rows under different caps were mixed),
    so a reader whose cap differs knows to rebuild the person from the raw log.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=40, choices=EventKind.choices)
    events = models.PositiveIntegerField(_("events"))
    measured = models.PositiveIntegerField(_("events with a measured entry time"))
    capped_seconds = models.PositiveBigIntegerField(_("measured entry time, capped (seconds)"))
    cap_seconds = models.PositiveIntegerField(_("entry cap applied (seconds)"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily rollup")
        verbose_name_plural = _("daily rollups")
        constraints = [
            models.UniqueConstraint(fields=["user", "day", "kind"], name="rollup_unique_user_day_kind"),
        ]
        indexes = [models.Index(fields=["day"], name="rollup_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.kind}: {self.events}"
