"""Scores through the API: your own, or a person you may see (recorded like a page view)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.types import authenticated_user
from apps.roles.policies import get_person_or_404
from apps.scoring.explain import explain, shown_net_minutes, whole_minutes
from apps.scoring.models import ScoreSnapshot
from apps.scoring.selectors import current_snapshot, score_trend
from apps.trust.services import WHAT_SCORE_DASHBOARD, access_record


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


def _score_body(user_id: int) -> dict[str, object]:
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
        return Response(_score_body(authenticated_user(request).pk))


class PersonScoreApi(APIView):
    @extend_schema(responses=ScoreOutputSerializer)
    def get(self, request: Request, user_id: int) -> Response:
        """Return the score of a person you may see (yourself, or a member of a team you manage)."""
        subject = get_person_or_404(request.user, user_id)
        access_record(viewer_id=authenticated_user(request).pk, subject_id=subject.pk, what=WHAT_SCORE_DASHBOARD)
        return Response(_score_body(subject.pk))
