"""Reading suggestions, the configured rules and how people respond to them."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.activities.models import Stage
from apps.suggestions import tuning
from apps.suggestions.models import RuleKind, Suggestion, SuggestionRule, SuggestionStatus
from apps.suggestions.rules import RuleBook, RuleConfig


def _decision_counts(
    *, user_ids: Iterable[int] | None, organisation_id: int | None, now: dt.datetime | None
) -> QuerySet:
    """Return one row per (user, rule) with accepted and dismissed counts in the tuning window."""
    since = (now or timezone.now()) - dt.timedelta(days=tuning.DECISION_WINDOW_DAYS)
    decided = Suggestion.objects.filter(source_rule__isnull=False, decided_at__gte=since)
    if user_ids is not None:
        decided = decided.filter(user_id__in=list(user_ids))
    if organisation_id is not None:
        decided = decided.filter(source_rule__organisation_id=organisation_id)
    return decided.values("user_id", "source_rule_id").annotate(
        accepted=Count("id", filter=Q(status=SuggestionStatus.ACCEPTED)),
        dismissed=Count("id", filter=Q(status=SuggestionStatus.DISMISSED)),
    )


def muted_rule_ids_by_user(
    *, user_ids: Iterable[int] | None = None, organisation_id: int | None = None, now: dt.datetime | None = None
) -> dict[int, set[int]]:
    """Return, per person, the rules their own feedback has muted (one grouped query)."""
    muted: dict[int, set[int]] = defaultdict(set)
    for row in _decision_counts(user_ids=user_ids, organisation_id=organisation_id, now=now):
        if tuning.is_muted(accepted=row["accepted"], dismissed=row["dismissed"]):
            muted[row["user_id"]].add(row["source_rule_id"])
    return muted


def muted_rule_ids(*, user_id: int, now: dt.datetime | None = None) -> set[int]:
    """Return the rules this person dismissed so often that they no longer see them."""
    return muted_rule_ids_by_user(user_ids=[user_id], now=now).get(user_id, set())


def open_suggestions(*, user_id: int, limit: int = 10) -> QuerySet[Suggestion]:
    """Return the user's open next actions, newest first, leaving out muted and switched-off rules."""
    return (
        Suggestion.objects.filter(user_id=user_id, status=SuggestionStatus.OPEN)
        .exclude(source_rule_id__in=muted_rule_ids(user_id=user_id))
        .exclude(source_rule__enabled=False)
        .select_related("deal", "account")[:limit]
    )


def rule_book(*, organisation_id: int) -> RuleBook:
    """Return the organisation's configured rules for the engine."""
    rows = SuggestionRule.objects.filter(organisation_id=organisation_id).values_list(
        "pk", "kind", "stage_id", "text_template", "idle_days", "enabled"
    )
    return RuleBook(
        rules={
            (kind, stage_id): RuleConfig(rule_id=pk, kind=kind, text_template=template, idle_days=idle, enabled=on)
            for pk, kind, stage_id, template, idle, on in rows
        }
    )


def idle_days_by_stage(*, organisation_id: int, book: RuleBook | None = None) -> dict[int, int]:
    """Return, per open stage, after how many quiet days a deal there is cold.

    The configured "deal gone quiet" rule decides (its stage's, else the organisation-wide one);
    without one, the stage's own value. Digests and the engine read the same numbers. Pass the
    organisation's `book` when it is already loaded.
    """
    book = book if book is not None else rule_book(organisation_id=organisation_id)
    limits = {}
    for stage_id, stage_days in Stage.objects.filter(
        organisation_id=organisation_id, is_won=False, is_lost=False
    ).values_list("pk", "idle_days"):
        rule = book.for_stage(RuleKind.IDLE_DEAL, stage_id)
        limits[stage_id] = rule.idle_days if rule is not None and rule.idle_days is not None else stage_days
    return limits


def quiet_deals_filter(*, books: Mapping[int, RuleBook | None], as_of: dt.datetime) -> Q:
    """Return a filter for the deals that at `as_of` are quiet past their stage's limit.

    `books` maps each organisation to look at to its rule book (None: read it here). Closed
    stages have no limit, so their deals never match; neither do deals never touched.
    """
    quiet = Q(pk__in=[])
    for organisation_id, book in books.items():
        for stage_id, days in idle_days_by_stage(organisation_id=organisation_id, book=book).items():
            quiet |= Q(stage_id=stage_id, last_activity_at__lte=as_of - dt.timedelta(days=days))
    return quiet


@dataclass(frozen=True)
class RuleFeedback:
    """A rule with how everyone responded to it: aggregates only, never one person's answers."""

    rule: SuggestionRule
    shown: int
    accepted: int
    dismissed: int
    muted_for_people: int

    @property
    def acceptance_rate(self) -> Decimal | None:
        return tuning.acceptance_rate(accepted=self.accepted, dismissed=self.dismissed)


def rules_with_feedback(*, organisation_id: int, now: dt.datetime | None = None) -> list[RuleFeedback]:
    """Return the organisation's rules with shown/accepted/dismissed counts and how many muted each."""
    rules = (
        SuggestionRule.objects.filter(organisation_id=organisation_id)
        .select_related("stage")
        .annotate(
            shown=Count("suggestions"),
            accepted=Count("suggestions", filter=Q(suggestions__status=SuggestionStatus.ACCEPTED)),
            dismissed=Count("suggestions", filter=Q(suggestions__status=SuggestionStatus.DISMISSED)),
        )
    )
    muted_people: dict[int, int] = defaultdict(int)
    for rule_ids in muted_rule_ids_by_user(organisation_id=organisation_id, now=now).values():
        for rule_id in rule_ids:
            muted_people[rule_id] += 1
    return [
        RuleFeedback(
            rule=r, shown=r.shown, accepted=r.accepted, dismissed=r.dismissed,  # type: ignore[attr-defined]
            muted_for_people=muted_people[r.pk],
        )
        for r in rules
    ]
