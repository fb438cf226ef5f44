"""Map service errors (Django ValidationError, ApplicationError) to DRF responses."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from apps.core.errors import ApplicationError


def application_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Return a DRF response for domain errors, deferring to DRF for the rest."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ApplicationError):
        return Response({"detail": exc.message, "extra": exc.extra}, status=400)
    return exception_handler(exc, context)
