"""Configuring Give-Get contracts, recording gets delivered, and classifying each week."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.enqueue import task_enqueue_on_commit
from apps.core.periods import period_for_monday, week_start
from apps.core.services import model_update
from apps.givegets import classification
from apps.givegets.defaults import DEFAULT_CONTRACTS
from apps.givegets.models import Cadence, ContractStatus, Delivery, DeliveryKind, GiveGetContract
from apps.roles.models import Membership, Role
from apps.usage.kinds import EventKind
from apps.usage.models import UsageEvent
from apps.usage.services import refresh_marks_add

CLASSIFY_TASK = "apps.givegets.tasks.classify_contracts"  # registered by GivegetsConfig.ready()

User = get_user_model()


def _value_for(*, user_id: int, kind: str) -> tuple[GiveGetContract | None, Decimal]:
    """Return the contract that promises this get to the user's role, and its minutes."""
    membership = Membership.objects.select_related("role").filter(user_id=user_id).first()
    if membership is None:
        return None, Decimal("0")
    contract = (
        GiveGetContract.objects.filter(role_id=membership.role_id, get_kind=kind, is_active=True)
        .order_by("-get_minutes_saved")
        .first()
    )
    if contract is not None:
        return contract, contract.get_minutes_saved
    if kind == DeliveryKind.NEXT_ACTION:
        return None, membership.role.suggestion_accepted_minutes
    if kind == DeliveryKind.RECOGNITION:
        return None, membership.role.recognition_minutes
    return None, Decimal("0")


def delivery_record(
    *,
    user_id: int,
    kind: str,
    idempotency_key: str,
    delivered_at: dt.datetime | None = None,
    metadata: dict[str, Any] | None = None,
) -> tuple[Delivery, bool]:
    """Record that a get was delivered; the same key twice returns the first delivery."""
    existing = Delivery.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    contract, minutes = _value_for(user_id=user_id, kind=kind)
    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                user_id=user_id,
                kind=kind,
                contract=contract,
                value_minutes=minutes,
                delivered_at=delivered_at or timezone.now(),
                idempotency_key=idempotency_key,
                metadata=metadata or {},
            )
    except IntegrityError:
        # A concurrent run (a retried task, a double click) stored the same key after our check.
        return Delivery.objects.get(idempotency_key=idempotency_key), False
    return delivery, True


@transaction.atomic
def delivery_record_opened(
    *,
    user_id: int,
    kind: str,
    idempotency_key: str,
    at: dt.datetime | None = None,
    metadata: dict[str, Any] | None = None,
) -> Delivery:
    """Record a get that is consumed as it is delivered (a page whose opening is the get)."""
    moment = at or timezone.now()
    delivery, _created = delivery_record(
        user_id=user_id, kind=kind, idempotency_key=idempotency_key, delivered_at=moment, metadata=metadata
    )
    return delivery_consume(delivery=delivery, at=moment)


@transaction.atomic
def weekly_delivery_opened(*, user_id: int, kind: str, at: dt.datetime | None = None) -> Delivery:
    """Deliver a weekly get consumed as its page opens (a report, a diagnostic); once per person per week.

    Opening the page again in the same week adds nothing; the first opening of a new week is a new get.
    """
    moment = at or timezone.now()
    monday = week_start(timezone.localtime(moment).date())
    return delivery_record_opened(
        user_id=user_id, kind=kind, idempotency_key=f"{kind}:{user_id}:{monday.isoformat()}", at=moment
    )


def delivery_consume(*, delivery: Delivery, at: dt.datetime | None = None) -> Delivery:
    """Mark a delivery consumed (opened, accepted) once; later calls change nothing."""
    deliveries_consume(user_id=delivery.user_id, delivery_ids=[delivery.pk], at=at)
    return Delivery.objects.get(pk=delivery.pk)


@transaction.atomic
def deliveries_consume(*, user_id: int, delivery_ids: list[int], at: dt.datetime | None = None) -> int:
    """Mark a person's unconsumed deliveries consumed in one statement; return how many changed.

    One score recompute follows after commit, however many were consumed.
    """
    consumed_at = at or timezone.now()
    unconsumed = Delivery.objects.filter(user_id=user_id, pk__in=delivery_ids, consumed_at__isnull=True)
    # Lock first so two requests opening the same gets cannot both count them.
    locked_ids = list(unconsumed.select_for_update().values_list("pk", flat=True))
    changed = Delivery.objects.filter(pk__in=locked_ids).update(consumed_at=consumed_at)
    if changed:
        # Gets are score inputs: mark the person like new events do, and the usage log's
        # refresh consumers (scoring among them) recompute from this week after commit.
        refresh_marks_add(since_by_user={user_id: consumed_at})
    return changed


# --- Configuring contracts -------------------------------------------------------------


def _contract_errors(
    *,
    role: Role | None,
    give_kind: str,
    give_expected_minutes: Decimal | None,
    get_kind: str,
    get_minutes_saved: Decimal | None,
    cadence: str,
    existing_pk: int | None,
    get_crm_report: str = "",
) -> dict[str, list[str]]:
    """Return every reason the contract cannot be saved, by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    if role is None:
        errors["role"] = [_("Choose the role this contract is for.")]
    if not give_kind:
        errors["give_kind"] = [_("A contract needs a give: choose the event kind this role logs.")]
    elif give_kind not in EventKind.values:
        errors["give_kind"] = [_("“%(kind)s” is not an event kind we record.") % {"kind": give_kind}]
    if give_expected_minutes is None or give_expected_minutes <= 0:
        errors["give_expected_minutes"] = [_("Expected minutes per occurrence must be more than 0.")]
    if not get_kind:
        errors["get_kind"] = [_("A contract needs a get: choose what this role gets back.")]
    elif get_kind not in DeliveryKind.values:
        errors["get_kind"] = [_("“%(kind)s” is not a delivery kind we know.") % {"kind": get_kind}]
    if get_minutes_saved is None or get_minutes_saved <= 0:
        errors["get_minutes_saved"] = [_("Minutes saved must be more than 0.")]
    if cadence not in Cadence.values:
        errors["cadence"] = [_("Choose how often the get is delivered.")]
    if get_kind == DeliveryKind.CRM_REPORT and not get_crm_report.strip():
        errors["get_crm_report"] = [_("Name the report or dashboard as your CRM's usage log writes it.")]
    if role is not None and give_kind and get_kind:
        duplicate = GiveGetContract.objects.filter(role=role, give_kind=give_kind, get_kind=get_kind)
        if existing_pk is not None:
            duplicate = duplicate.exclude(pk=existing_pk)
        if duplicate.exists():
            errors[NON_FIELD_ERRORS] = [
                _("%(role)s already has a contract with this give and this get; edit that one instead.")
                % {"role": role.name}
            ]
    return errors


def _enqueue_classification(contract_ids: list[int]) -> None:
    if contract_ids:
        task_enqueue_on_commit(CLASSIFY_TASK, contract_ids=contract_ids)


@transaction.atomic
def contract_create(
    *,
    role: Role | None,
    give_kind: str,
    give_expected_minutes: Decimal | None,
    get_kind: str,
    get_minutes_saved: Decimal | None,
    cadence: str = Cadence.WEEKLY,
    wiifm: str = "",
    get_crm_report: str = "",
) -> GiveGetContract:
    """Create a contract for a role; raise ValidationError (by field) and save nothing when invalid."""
    errors = _contract_errors(
        role=role, give_kind=give_kind, give_expected_minutes=give_expected_minutes, get_kind=get_kind,
        get_minutes_saved=get_minutes_saved, cadence=cadence, existing_pk=None, get_crm_report=get_crm_report,
    )
    if errors:
        raise ValidationError(errors)
    assert give_expected_minutes is not None  # checked above
    assert get_minutes_saved is not None
    contract = GiveGetContract(
        role=role, give_kind=give_kind, give_expected_minutes=give_expected_minutes, get_kind=get_kind,
        get_minutes_saved=get_minutes_saved, cadence=cadence, wiifm=wiifm.strip(),
        get_crm_report=get_crm_report.strip() if get_kind == DeliveryKind.CRM_REPORT else "",
    )
    contract.full_clean()
    contract.save()
    _enqueue_classification([contract.pk])
    return contract


@transaction.atomic
def contract_update(
    *,
    contract: GiveGetContract,
    role: Role | None,
    give_kind: str,
    give_expected_minutes: Decimal | None,
    get_kind: str,
    get_minutes_saved: Decimal | None,
    cadence: str,
    wiifm: str,
    get_crm_report: str = "",
) -> GiveGetContract:
    """Change a contract; raise ValidationError (by field) and change nothing when invalid."""
    errors = _contract_errors(
        role=role, give_kind=give_kind, give_expected_minutes=give_expected_minutes, get_kind=get_kind,
        get_minutes_saved=get_minutes_saved, cadence=cadence, existing_pk=contract.pk, get_crm_report=get_crm_report,
    )
    if errors:
        raise ValidationError(errors)
    locked = GiveGetContract.objects.select_for_update().get(pk=contract.pk)
    data = {
        "role": role, "give_kind": give_kind, "give_expected_minutes": give_expected_minutes, "get_kind": get_kind,
        "get_minutes_saved": get_minutes_saved, "cadence": cadence, "wiifm": wiifm.strip(),
        "get_crm_report": get_crm_report.strip() if get_kind == DeliveryKind.CRM_REPORT else "",
    }
    model_update(instance=locked, fields=list(data), data=data)
    # A changed give or get changes who kept it, so this week's stored statuses are redone.
    _enqueue_classification([locked.pk])
    return locked


@transaction.atomic
def contract_set_active(*, contract: GiveGetContract, is_active: bool) -> GiveGetContract:
    """Deactivate (or reactivate) a contract; its stored history stays for the trend."""
    if contract.is_active != is_active:
        contract.is_active = is_active
        contract.save(update_fields=["is_active"])
        if is_active:
            _enqueue_classification([contract.pk])
    return contract


@transaction.atomic
def contracts_install_defaults(*, organisation_id: int) -> list[GiveGetContract]:
    """Create the default contracts for every role the organisation has; return those created.

    Installing twice creates nothing the second time; a default the lead already changed
    (same role, give and get) is left as the lead made it.
    """
    roles = {role.kind: role for role in Role.objects.filter(organisation_id=organisation_id)}
    created: list[GiveGetContract] = []
    for default in DEFAULT_CONTRACTS:
        role = roles.get(default.role_kind)
        if role is None:
            continue
        contract, was_created = GiveGetContract.objects.get_or_create(
            role=role,
            give_kind=default.give_kind,
            get_kind=default.get_kind,
            defaults={
                "give_expected_minutes": default.give_expected_minutes,
                "get_minutes_saved": default.get_minutes_saved,
                "cadence": default.cadence,
                "wiifm": str(default.wiifm),
            },
        )
        if was_created:
            created.append(contract)
    _enqueue_classification([c.pk for c in created])
    return created


# --- Classifying each week ---------------------------------------------------------------


def _count_per_user(queryset: QuerySet[Any]) -> Coalesce:
    """Return a correlated COUNT(*) of `queryset` rows for the outer user, 0 when none."""
    counted = queryset.order_by().values("user_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _contract_people(*, contract: GiveGetContract, live_before: dt.date) -> QuerySet[Any]:
    """Return the contract role's people who were live before `live_before` (or have no date yet)."""
    # People whose go-live is still ahead are not asked to give yet; counting them as
    # "not giving" would blame them for a rollout that has not reached them.
    return User.objects.filter(
        Q(memberships__role_id=contract.role_id)
        & (Q(memberships__go_live_on__isnull=True) | Q(memberships__go_live_on__lt=live_before))
    )


def contract_statuses_refresh(*, monday: dt.date, contract_ids: list[int] | None = None) -> int:
    """Store every person's status on every active contract for the week starting `monday`.

    One query per contract counts each person's gives, deliveries and consumed gets with
    correlated subqueries; the rows are upserted, and people no longer in the role lose
    their row for that week. Running it twice stores the same thing. Return rows written.
    """
    period = period_for_monday(monday)
    contracts = GiveGetContract.objects.filter(is_active=True)
    if contract_ids is not None:
        contracts = contracts.filter(pk__in=contract_ids)
    written = 0
    for contract in contracts:
        people = _contract_people(contract=contract, live_before=monday + dt.timedelta(days=7))
        counts = people.annotate(
            gave_n=_count_per_user(UsageEvent.objects.filter(
                user_id=OuterRef("pk"), kind=contract.give_kind,
                occurred_at__gte=period.start, occurred_at__lt=period.end,
            )),
            delivered_n=_count_per_user(Delivery.objects.filter(
                user_id=OuterRef("pk"), kind=contract.get_kind,
                delivered_at__gte=period.start, delivered_at__lt=period.end,
            )),
            consumed_n=_count_per_user(Delivery.objects.filter(
                user_id=OuterRef("pk"), kind=contract.get_kind,
                consumed_at__gte=period.start, consumed_at__lt=period.end,
            )),
        ).values_list("pk", "gave_n", "delivered_n", "consumed_n")
        rows = [
            ContractStatus(
                contract=contract, user_id=user_id, period_start=monday,
                status=classification.classify_counts(gave_count=gave, consumed_count=consumed),
                gave_count=gave, delivered_count=delivered, consumed_count=consumed,
            )
            for user_id, gave, delivered, consumed in counts
        ]
        with transaction.atomic():
            ContractStatus.objects.filter(contract=contract, period_start=monday).exclude(
                user_id__in=people.values("pk")
            ).delete()
            ContractStatus.objects.bulk_create(
                rows,
                batch_size=1000,
                update_conflicts=True,
                unique_fields=["contract", "user", "period_start"],
                update_fields=["status", "gave_count", "delivered_count", "consumed_count", "refreshed_at"],
            )
        written += len(rows)
    return written


def contract_statuses_refresh_recent(*, today: dt.date | None = None, contract_ids: list[int] | None = None) -> int:
    """Classify this week and last week, so entries late on Sunday still settle last week."""
    this_monday = week_start(today or timezone.localdate())
    written = 0
    for monday in (this_monday - dt.timedelta(weeks=1), this_monday):
        written += contract_statuses_refresh(monday=monday, contract_ids=contract_ids)
    return written
