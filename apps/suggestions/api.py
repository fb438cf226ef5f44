"""Next actions through the API: your own open suggestions, and deciding on them."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.types import authenticated_user
from apps.suggestions.models import Suggestion
from apps.suggestions.selectors import open_suggestions
from apps.suggestions.services import suggestion_decide


class SuggestionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suggestion
        fields = ["id", "text", "reason", "rule", "deal_id", "account_id", "created_at", "status", "decided_at"]


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["accept", "dismiss"])


class MySuggestionsApi(APIView):
    @extend_schema(responses=SuggestionOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Return your open next actions, newest first (muted or switched-off rules left out)."""
        suggestions = open_suggestions(user_id=authenticated_user(request).pk, limit=50)
        return Response(SuggestionOutputSerializer(suggestions, many=True).data)


class SuggestionDecisionApi(APIView):
    @extend_schema(request=DecisionInputSerializer, responses=SuggestionOutputSerializer)
    def post(self, request: Request, suggestion_id: int) -> Response:
        """Accept or dismiss one of your own suggestions; deciding twice keeps the first decision."""
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suggestion = Suggestion.objects.filter(pk=suggestion_id, user_id=authenticated_user(request).pk).first()
        if suggestion is None:
            return Response({"detail": "Not found."}, status=404)
        decided = suggestion_decide(suggestion=suggestion, accept=serializer.validated_data["decision"] == "accept")
        return Response(SuggestionOutputSerializer(decided).data)
