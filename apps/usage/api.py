"""Event ingestion API: idempotent per (source, idempotency key)."""

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.types import authenticated_user
from apps.roles.policies import membership_of
from apps.usage.kinds import EventKind, EventSource
from apps.usage.services import usage_event_record
from apps.usage.validation import (
    MAX_IDEMPOTENCY_KEY_LENGTH,
    idempotency_key_problem,
    metadata_problem,
    occurred_at_problem,
)


class EventFieldsMixin:
    """The checks both event endpoints share (apps/usage/validation.py)."""

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        problem = occurred_at_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_idempotency_key(self, value: str) -> str:
        problem = idempotency_key_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_metadata(self, value: dict[str, Any]) -> dict[str, Any]:
        problem = metadata_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class EventInputSerializer(EventFieldsMixin, serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_at = serializers.DateTimeField()
    idempotency_key = serializers.CharField(max_length=MAX_IDEMPOTENCY_KEY_LENGTH, trim_whitespace=False)
    # A field named "source" shadows Field.source in the stubs only; DRF collects it as a field.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[EventSource.API, EventSource.CRM_EXPORT], default=EventSource.API
    )
    duration_seconds = serializers.IntegerField(min_value=0, max_value=86400, required=False, allow_null=True)
    metadata = serializers.DictField(required=False, default=dict)


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    source = serializers.CharField()  # type: ignore[assignment]
    idempotency_key = serializers.CharField()
    created = serializers.BooleanField()


class EventIngestApi(APIView):
    """Record one of your own usage events; sending the same key again returns the first one."""

    @extend_schema(request=EventInputSerializer, responses={201: EventOutputSerializer, 200: EventOutputSerializer})
    def post(self, request: Request) -> Response:
        if membership_of(request.user) is None:
            return Response({"detail": "You have no role in any organisation."}, status=status.HTTP_403_FORBIDDEN)
        serializer = EventInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        client_key = data.pop("idempotency_key")
        # Keys are namespaced per person so one client's key can never return another's event.
        user_id = authenticated_user(request).pk
        event, created = usage_event_record(user_id=user_id, idempotency_key=f"user{user_id}:{client_key}", **data)
        body = EventOutputSerializer(
            {"id": event.pk, "kind": event.kind, "occurred_at": event.occurred_at, "source": event.source,
             "idempotency_key": client_key, "created": created}
        ).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
