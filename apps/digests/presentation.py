"""Turn a stored digest into what a page or an e-mail shows, in the active language."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from apps.activities.models import ActivityType
from apps.core.charts import Point, bar_chart
from apps.digests.models import Digest
from apps.scoring.explain import explain, shown_net_minutes
from apps.scoring.models import NetStatus, ScoreSnapshot


def _type_label(value: str) -> str:
    return str(ActivityType(value).label) if value in ActivityType.values else value


def _snapshot(score: dict[str, Any]) -> ScoreSnapshot:
    """Rebuild an unsaved snapshot from the stored figures, so `explain` reads them as sent."""

    def optional(key: str) -> Decimal | None:
        value = score.get(key)
        return None if value is None else Decimal(value)

    return ScoreSnapshot(
        period_start=dt.date.fromisoformat(score["period_start"]),
        score=Decimal(score["score"]), status=score["status"], nb_index=Decimal(score["nb_index"]),
        rolling_give_minutes=Decimal(score["rolling_give_minutes"]),
        rolling_get_minutes=Decimal(score["rolling_get_minutes"]),
        net_minutes=Decimal(score["net_minutes"]), pulse_usefulness=optional("pulse_usefulness"),
        pulse_ease_of_use=optional("pulse_ease_of_use"), components=score.get("components") or {},
    )


def digest_display(digest: Digest) -> dict[str, Any]:
    """Return the template context for one digest: its sections, figures and explanation."""
    content = digest.content
    activities = content.get("activities", {})
    by_type = [{"label": _type_label(row["type"]), "count": row["count"]} for row in activities.get("by_type", [])]
    score = content.get("score")
    snapshot = _snapshot(score) if score else None
    return {
        "digest": digest,
        "week_start": dt.date.fromisoformat(content["week_start"]),
        "week_end": dt.date.fromisoformat(content["week_start"]) + dt.timedelta(days=6),
        "activity_total": activities.get("total", 0),
        "activity_by_type": by_type,
        "activity_chart": bar_chart(
            [Point(row["label"], row["count"]) for row in by_type], title=_("Activities last week by type")
        ) if by_type else None,
        "activity_items": [
            {
                **item,
                "occurred_at": dt.datetime.fromisoformat(item["occurred_at"]),
                "type_label": _type_label(item["type"]),
            }
            for item in activities.get("items", [])
        ],
        "activity_not_listed": activities.get("not_listed", 0),
        "deals_moved": [
            {**row, "changed_at": dt.datetime.fromisoformat(row["changed_at"])}
            for row in content.get("deals_moved", [])
        ],
        "cold_deals": content.get("cold_deals", []),
        "next_actions": content.get("next_actions", []),
        "snapshot": snapshot,
        "status_label": NetStatus(snapshot.status).label if snapshot else "",
        "explanation": explain(snapshot) if snapshot else [],
        "net_shown": shown_net_minutes(snapshot) if snapshot else None,
    }
