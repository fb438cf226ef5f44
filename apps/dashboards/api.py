"""Another person's score through the API: the same body as your own, and the look is recorded."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.types import authenticated_user
from apps.roles.policies import get_person_or_404
from apps.scoring.api import ScoreOutputSerializer, score_body
from apps.trust.services import WHAT_SCORE_DASHBOARD, access_record


class PersonScoreApi(APIView):
    @extend_schema(responses=ScoreOutputSerializer)
    def get(self, request: Request, user_id: int) -> Response:
        """Return the score of a person you may see (yourself, or a member of a team you manage)."""
        subject = get_person_or_404(request.user, user_id)
        access_record(viewer_id=authenticated_user(request).pk, subject_id=subject.pk, what=WHAT_SCORE_DASHBOARD)
        return Response(score_body(subject.pk))
