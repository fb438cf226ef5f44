"""POST /api/v1/events/: a batch of up to 1,000 events for an organisation's people, with a key."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.identities.sources import IdentitySource
from apps.integrations.auth import HasScopedIntegrationKey, IntegrationKeyThrottle, integration_key_of
from apps.integrations.batch import PERSON_KEYS, PERSON_SHAPE, UNKNOWN_FIELD, batch_clock, item_check
from apps.integrations.models import KeyScope
from apps.integrations.services import REJECTED, events_ingest
from apps.usage.api import EventFieldsMixin, event_time_field, idempotency_key_field, metadata_field
from apps.usage.kinds import EventKind
from apps.usage.validation import MAX_BODY_DEPTH, MAX_PERSON_ID, body_problem, depth_problem, text_problem

MAX_BATCH = 1000


class IdentitySerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=IdentitySource.choices)  # type: ignore[assignment]
    external_id = serializers.CharField(max_length=255)


@extend_schema_field(
    {"oneOf": [{"type": "integer", "minimum": 1, "maximum": MAX_PERSON_ID}, {"type": "string", "format": "email"},
               {"type": "object", "properties": {"source": {"type": "string", "enum": list(IdentitySource.values)},
                                                 "external_id": {"type": "string"}},
                "required": ["source", "external_id"]}]}
)
class PersonField(serializers.Field):
    """A person by id, by e-mail, or by an identity in another system."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool):
            raise serializers.ValidationError(PERSON_SHAPE)
        if isinstance(data, int):
            if not 1 <= data <= MAX_PERSON_ID:
                raise serializers.ValidationError(PERSON_SHAPE)
            return data
        if isinstance(data, str):
            problem = text_problem(data)
            if problem or "@" not in data:
                raise serializers.ValidationError(problem or PERSON_SHAPE)
            return data.strip()
        if isinstance(data, dict):
            if set(data) - {"source", "external_id"}:
                raise serializers.ValidationError(PERSON_KEYS)
            identity = IdentitySerializer(data=data)
            identity.is_valid(raise_exception=True)
            if problem := text_problem(identity.validated_data["external_id"]):
                raise serializers.ValidationError(problem)
            return dict(identity.validated_data)
        raise serializers.ValidationError(PERSON_SHAPE)

    def to_representation(self, value: Any) -> Any:
        return value


class BatchEventSerializer(EventFieldsMixin, serializers.Serializer):
    """One event of a batch; unknown fields reject the event."""

    person = PersonField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    occurred_at = event_time_field()
    idempotency_key = idempotency_key_field()
    duration_seconds = serializers.IntegerField(min_value=0, max_value=86400, required=False, allow_null=True)
    metadata = metadata_field()

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and (unknown := sorted(set(data) - set(self.fields))):
            raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)


class RawItemField(serializers.Field):
    """Take an event as parsed, whatever it is: the view checks and answers each one on its own."""

    def to_internal_value(self, data: Any) -> Any:
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class BatchInputSerializer(serializers.Serializer):
    events = serializers.ListField(child=RawItemField(allow_null=True), max_length=MAX_BATCH, allow_empty=False)


class EventBatchSerializer(serializers.Serializer):
    """A batch of 1 to 1,000 events (the schema of what the view checks item by item)."""

    events = serializers.ListField(child=BatchEventSerializer(), min_length=1, max_length=MAX_BATCH)


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["accepted", "duplicate", "held", "rejected"])
    reason = serializers.JSONField(required=False)


class BatchOutputSerializer(serializers.Serializer):
    accepted = serializers.IntegerField()
    duplicate = serializers.IntegerField()
    held = serializers.IntegerField()
    rejected = serializers.IntegerField()
    results = ItemResultSerializer(many=True)


EXAMPLE_BATCH = {
    "events": [
        {"person": 42, "kind": "login", "occurred_at": "2026-11-30T08:01:00Z", "idempotency_key": "login-1"},
        {"person": "rita@example.com", "kind": "record_created", "occurred_at": "2026-11-30T08:05:00Z",
         "idempotency_key": "rec-7", "duration_seconds": 95, "metadata": {"object": "Opportunity"}},
        {"person": {"source": "salesforce", "external_id": "005000000000001AAA"}, "kind": "report_viewed",
         "occurred_at": "2026-11-30T08:09:00Z", "idempotency_key": "rep-3"},
    ],
}


class EventBatchApi(APIView):
    """Record up to 1,000 events for people of the key's organisation; answer item by item."""

    authentication_classes: list[Any] = []
    permission_classes = [HasScopedIntegrationKey]
    throttle_classes = [IntegrationKeyThrottle]
    required_scope = KeyScope.EVENTS_WRITE

    @extend_schema(
        request=EventBatchSerializer, responses={200: BatchOutputSerializer, 400: OpenApiTypes.OBJECT},
        description="Send the key as `Authorization: Api-Key <key>` (scope `events:write`). A batch over "
                    f"1,000 events, a malformed body or one nested over {MAX_BODY_DEPTH} levels is a 400 that "
                    "saves nothing. An event the log cannot hold is answered `rejected` with its reason, field "
                    "by field, and only that event is not saved: NUL bytes or unpaired surrogates anywhere in it "
                    "(keys included), occurred_at outside 2000-01-01 … now + 1 day, metadata over its size or "
                    "depth, an idempotency_key over its length, an unknown field.",
        examples=[
            OpenApiExample("A mixed batch", value=EXAMPLE_BATCH, request_only=True),
            OpenApiExample("Answers", response_only=True, value={
                "accepted": 2, "duplicate": 0, "held": 1, "rejected": 0,
                "results": [{"index": 0, "status": "accepted"}, {"index": 1, "status": "accepted"},
                            {"index": 2, "status": "held"}]}),
        ],
    )
    def post(self, request: Request) -> Response:
        key = integration_key_of(request)
        assert key is not None  # the permission class let the request in
        # Nesting is checked for the whole body before anything recurses into it; bad characters
        # outside the events are a 400, inside an event they reject that event only.
        if (too_deep := depth_problem(request.data, max_depth=MAX_BODY_DEPTH)) is not None:
            return Response({"detail": [too_deep], "saved": 0}, status=status.HTTP_400_BAD_REQUEST)
        envelope = {k: v for k, v in request.data.items() if k != "events"} if isinstance(request.data, dict) else {}
        if (found := body_problem(envelope, max_depth=MAX_BODY_DEPTH)) is not None:
            return Response({"detail": [found[1]], "saved": 0}, status=status.HTTP_400_BAD_REQUEST)
        batch = BatchInputSerializer(data=request.data)
        if not isinstance(request.data, dict) or not batch.is_valid():
            errors = batch.errors if isinstance(request.data, dict) else {"detail": "Send {\"events\": [...]}."}
            return Response({**errors, "saved": 0}, status=status.HTTP_400_BAD_REQUEST)
        rejected: dict[int, Any] = {}
        items: list[dict[str, Any]] = []
        # Plain checks, not the serializer (it documents the item in the schema): they give the same
        # answers at a fraction of the cost (apps/integrations/batch.py).
        clock = batch_clock()
        for index, raw in enumerate(batch.validated_data["events"]):
            item, reason = item_check(raw, index=index, clock=clock)
            if item is None:
                rejected[index] = reason
            else:
                items.append(item)
        answers = {r.index: {"index": r.index, "status": r.status, **({"reason": r.reason} if r.reason else {})}
                   for r in events_ingest(organisation_id=key.organisation_id, items=items)}
        for index, reason in rejected.items():
            answers[index] = {"index": index, "status": REJECTED, "reason": reason}
        results = [answers[i] for i in sorted(answers)]
        counts = {s: sum(1 for r in results if r["status"] == s) for s in ("accepted", "duplicate", "held", "rejected")}
        # Already plain JSON in BatchOutputSerializer's shape (the schema documents it).
        return Response({**counts, "results": results})
