"""Turn stored gate evaluations into labelled rows and sentences, in the active language."""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.privacy import MIN_PEOPLE
from apps.rollout.gates import Criterion
from apps.rollout.models import GateEvaluation
from apps.usage.kinds import EventKind

CRITERION_ORDER = [
    Criterion.NET_BENEFICIARIES, Criterion.QUICKWINS_ON_TIME, Criterion.WEEKS_LIVE, Criterion.PULSE,
    Criterion.PHASE_IMPACT,
]
PERCENT_CRITERIA = {Criterion.NET_BENEFICIARIES, Criterion.QUICKWINS_ON_TIME}


def criterion_label(criterion: str) -> str:
    return {
        Criterion.NET_BENEFICIARIES: _("Net beneficiaries"),
        Criterion.QUICKWINS_ON_TIME: _("Quick wins achieved on time"),
        Criterion.WEEKS_LIVE: _("Weeks live"),
        Criterion.PULSE: _("Mean pulse score (1–7)"),
        Criterion.PHASE_IMPACT: _("Minutes a week saved vs. not yet live"),
    }[Criterion(criterion)]


def format_value(criterion: str, value: float | None) -> str:
    if value is None:
        return _("no data")
    if criterion in PERCENT_CRITERIA:
        return f"{value:.0f} %"
    if criterion == Criterion.WEEKS_LIVE:
        return f"{value:.0f}"
    if criterion == Criterion.PHASE_IMPACT:
        return _("%(minutes)s min") % {"minutes": f"{value:+.0f}"}
    return f"{value:.1f}"


@dataclass(frozen=True)
class CriterionRow:
    criterion: str
    label: str
    value: str
    target: str
    passed: bool | None
    detail: str
    trend: list[float | None]


def _detail(criterion: str, entry: dict[str, Any]) -> str:
    numerator, denominator = entry.get("numerator"), entry.get("denominator")
    if criterion == Criterion.NET_BENEFICIARIES and denominator is not None:
        return _("%(part)s of %(whole)s scored people") % {"part": numerator or 0, "whole": denominator}
    if criterion == Criterion.QUICKWINS_ON_TIME and denominator is not None:
        return _("%(part)s of %(whole)s decided quick wins") % {"part": numerator or 0, "whole": denominator}
    if criterion == Criterion.PULSE and denominator is not None:
        return ngettext("%(count)s person answered in the last 30 days (%(needed)s needed)",
                        "%(count)s people answered in the last 30 days (%(needed)s needed)", denominator) % {
            "count": denominator, "needed": MIN_PEOPLE}
    if criterion == Criterion.PHASE_IMPACT:
        if "low" not in entry:
            return _("Not enough evidence yet: too few people or weeks to compare with those not yet live.")
        return _("95 %% interval %(low)s to %(high)s min; the gate judges the low end") % {
            "low": f"{entry['low']:+.0f}", "high": f"{entry['high']:+.0f}"}
    return ""


def criterion_rows(evaluation: GateEvaluation, history: list[GateEvaluation]) -> list[CriterionRow]:
    """Return one row per stored criterion, with its weekly trend from the stored history."""
    rows = []
    for criterion in CRITERION_ORDER:
        entry = evaluation.values.get(str(criterion))
        if entry is None:
            continue
        rows.append(CriterionRow(
            criterion=str(criterion),
            label=criterion_label(criterion),
            value=format_value(criterion, entry["value"]),
            target="≥ " + format_value(criterion, entry["target"]),
            passed=entry["passed"],
            detail=_detail(criterion, entry),
            trend=[(h.values.get(str(criterion)) or {}).get("value") for h in history],
        ))
    return rows


def miss_sentences(evaluation: GateEvaluation) -> list[str]:
    """Return the story behind the net-beneficiary share, in aggregates only (never names)."""
    entry = evaluation.values.get(str(Criterion.NET_BENEFICIARIES), {})
    scored = entry.get("denominator") or 0
    beneficiaries = entry.get("numerator") or 0
    misses = evaluation.misses or {}
    sentences = []
    if evaluation.people > scored:
        unscored = evaluation.people - scored
        sentences.append(ngettext("%(count)s person covered has no score this week yet.",
                                  "%(count)s people covered have no score this week yet.", unscored)
                         % {"count": unscored})
    if not scored:
        return sentences
    sentences.append(ngettext("%(part)s of %(whole)s scored person is a net beneficiary.",
                              "%(part)s of %(whole)s scored people are net beneficiaries.", scored)
                     % {"part": beneficiaries, "whole": scored})
    others = misses.get("not_beneficiaries", scored - beneficiaries)
    if not others:
        return sentences
    parts = []
    for kind, count in misses.get("top_give_kinds", [])[:2]:
        label = EventKind(kind).label if kind in EventKind.values else kind
        parts.append(ngettext("%(count)s spends most entry time on “%(kind)s”",
                              "%(count)s spend most entry time on “%(kind)s”", count)
                     % {"count": count, "kind": label})
    if misses.get("gave_nothing"):
        parts.append(ngettext("%(count)s logged nothing", "%(count)s logged nothing", misses["gave_nothing"])
                     % {"count": misses["gave_nothing"]})
    if misses.get("no_digest"):
        parts.append(ngettext("%(count)s opened no weekly digest in the last 4 weeks",
                              "%(count)s opened no weekly digest in the last 4 weeks", misses["no_digest"])
                     % {"count": misses["no_digest"]})
    if parts:
        sentences.append(ngettext("Of the %(count)s other: %(parts)s.", "Of the %(count)s others: %(parts)s.", others)
                         % {"count": others, "parts": "; ".join(parts)})
    return sentences
