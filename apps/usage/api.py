"""Event ingestion API: idempotent per (source, idempotency key)."""

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
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
    IDEMPOTENCY_KEY_HELP,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    MAX_METADATA_DEPTH,
    METADATA_HELP,
    OCCURRED_AT_HELP,
    OCCURRED_AT_RANGE,
    body_problem,
    idempotency_key_problem,
    metadata_problem,
    occurred_at_problem,
    scoped_idempotency_key,
)

BAD_INPUT_HELP = (
    "A 400 answers any input the log cannot hold, field by field, and saves nothing: NUL bytes or "
    "unpaired surrogates anywhere (keys included), occurred_at outside 2000-01-01 … now + 1 day, "
    "metadata over its size or depth, an idempotency_key over its length, a body nested too deeply."
)


def event_time_field() -> serializers.DateTimeField:
    """Return the occurred_at field: a year the database cannot hold is the same clear error as 1999."""
    return serializers.DateTimeField(
        help_text=OCCURRED_AT_HELP,
        error_messages={"overflow": OCCURRED_AT_RANGE},
    )


def idempotency_key_field() -> serializers.CharField:
    return serializers.CharField(min_length=1, max_length=MAX_IDEMPOTENCY_KEY_LENGTH, trim_whitespace=False,
                                 help_text=IDEMPOTENCY_KEY_HELP)


def metadata_field() -> serializers.DictField:
    return serializers.DictField(required=False, default=dict, help_text=METADATA_HELP)


def problem_response(path: tuple[str | int, ...], message: str, fields: Any) -> dict[str, list[str]]:
    """Return a 400 body naming the field the problem is in (or `detail` when it is elsewhere)."""
    field = path[0] if path and isinstance(path[0], str) and path[0] in fields else "detail"
    return {field: [message]}


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
    """One of your own usage events."""

    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_at = event_time_field()
    idempotency_key = idempotency_key_field()
    # A field named "source" shadows Field.source in the stubs only; DRF collects it as a field.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=[EventSource.API, EventSource.CRM_EXPORT], default=EventSource.API
    )
    duration_seconds = serializers.IntegerField(min_value=0, max_value=86400, required=False, allow_null=True)
    metadata = metadata_field()


class EventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    source = serializers.CharField()  # type: ignore[assignment]
    idempotency_key = serializers.CharField()
    created = serializers.BooleanField()


class EventIngestApi(APIView):
    """Record one of your own usage events; sending the same key again returns the first one."""

    @extend_schema(
        request=EventInputSerializer,
        responses={201: EventOutputSerializer, 200: EventOutputSerializer, 400: OpenApiTypes.OBJECT,
                   403: OpenApiTypes.OBJECT},
        description="201 when recorded, 200 when the key was recorded before. " + BAD_INPUT_HELP,
    )
    def post(self, request: Request) -> Response:
        if membership_of(request.user) is None:
            return Response({"detail": "You have no role in any organisation."}, status=status.HTTP_403_FORBIDDEN)
        # Before any serialiser echoes a value back (a lone surrogate cannot be rendered) or recurses.
        found = body_problem(request.data, max_depth=MAX_METADATA_DEPTH + 1)
        if found is not None:
            return Response(problem_response(*found, EventInputSerializer().fields),
                            status=status.HTTP_400_BAD_REQUEST)
        serializer = EventInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = serializer.validated_data
        client_key = data.pop("idempotency_key")
        # Keys are namespaced per person so one client's key can never return another's event.
        user_id = authenticated_user(request).pk
        stored_key = scoped_idempotency_key(f"user{user_id}:", client_key)
        event, created = usage_event_record(user_id=user_id, idempotency_key=stored_key, **data)
        body = EventOutputSerializer(
            {"id": event.pk, "kind": event.kind, "occurred_at": event.occurred_at, "source": event.source,
             "idempotency_key": client_key, "created": created}
        ).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
