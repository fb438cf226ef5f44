"""Logging activities through the API (same service, same idempotency, same suggestions)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.activities import selectors, services
from apps.activities.models import ActivityType
from apps.activities.next_steps import next_steps_after
from apps.core.types import authenticated_user
from apps.usage.kinds import EventSource


class ActivityInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ActivityType.choices)
    account_id = serializers.IntegerField()
    deal_id = serializers.IntegerField(required=False, allow_null=True)
    summary = serializers.CharField(max_length=500)
    occurred_at = serializers.DateTimeField(required=False)
    idempotency_key = serializers.CharField(max_length=200)


class NextStepOutputSerializer(serializers.Serializer):
    """A next step the activity led to (the same fields as GET /api/suggestions/)."""

    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    reason = serializers.CharField()
    rule = serializers.CharField()
    deal_id = serializers.IntegerField(allow_null=True)
    account_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    status = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)


class ActivityOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField()
    suggestions = NextStepOutputSerializer(many=True)


class ActivityLogApi(APIView):
    """Log an activity on an account (and optionally one of your open deals)."""

    @extend_schema(request=ActivityInputSerializer, responses={201: ActivityOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = ActivityInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = selectors.accounts_for(request.user).filter(pk=data["account_id"]).first()
        if account is None:
            raise serializers.ValidationError({"account_id": ["No such account in your organisation."]})
        deal = None
        if data.get("deal_id"):
            deal = selectors.open_deals_for(request.user).filter(pk=data["deal_id"]).first()
            if deal is None:
                raise serializers.ValidationError({"deal_id": ["That deal is not one of your open deals."]})
        user_id = authenticated_user(request).pk
        activity, created = services.activity_log(
            owner_id=user_id, type=data["type"], account=account, deal=deal, summary=data["summary"],
            occurred_at=data.get("occurred_at"), source=EventSource.API,
            idempotency_key=f"api:{user_id}:{data['idempotency_key']}",
        )
        suggestions = next_steps_after(activity=activity)
        body = ActivityOutputSerializer({"id": activity.pk, "created": created, "suggestions": suggestions}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
