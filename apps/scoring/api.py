"""Your own score through the API, and the score body every score endpoint answers with.

Another person's score is served by the dashboards app (`apps.dashboards.api`), which records the
look like a page view; scoring sits below the trust app that keeps those records.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.types import authenticated_user
from apps.scoring.explain import explain, shown_net_minutes, whole_minutes
from apps.scoring.models import ScoreSnapshot
from apps.scoring.selectors import current_snapshot, score_trend


class SnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreSnapshot
        fields = [
            "period_start", "score", "status", "nb_index", "give_minutes", "get_minutes",
            "rolling_give_minutes", "rolling_get_minutes", "net_minutes", "pulse_usefulness",
            "pulse_ease_of_use", "components", "is_closed", "computed_at",
        ]


class ShownFiguresSerializer(serializers.Serializer):
    """The whole-minute figures the header, the explanation and the digest show (they add up)."""

    give_minutes = serializers.IntegerField()
    get_minutes = serializers.IntegerField()
    net_minutes = serializers.IntegerField()


class ScoreOutputSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    current = SnapshotSerializer(allow_null=True)
    shown = ShownFiguresSerializer(allow_null=True)
    explanation = serializers.ListField(child=serializers.CharField())
    trend = SnapshotSerializer(many=True)


def score_body(user_id: int) -> dict[str, object]:
    """Return the API body of a person's score: current snapshot, shown figures, explanation, trend."""
    snapshot = current_snapshot(user_id=user_id)
    return ScoreOutputSerializer({
        "user_id": user_id,
        "current": snapshot,
        "shown": {
            "give_minutes": whole_minutes(snapshot.rolling_give_minutes),
            "get_minutes": whole_minutes(snapshot.rolling_get_minutes),
            "net_minutes": shown_net_minutes(snapshot),
        } if snapshot else None,
        "explanation": explain(snapshot) if snapshot else [],
        "trend": [s for s in score_trend(user_id=user_id) if s is not None],
    }).data


class MyScoreApi(APIView):
    @extend_schema(responses=ScoreOutputSerializer)
    def get(self, request: Request) -> Response:
        """Return your Net Beneficiary score, its explanation and the 8-week trend."""
        return Response(score_body(authenticated_user(request).pk))

