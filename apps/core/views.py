"""Pages of the core app: the health endpoint for load balancers and compose."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.core.health import health_report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database, cache and broker work, 503 naming the part that does not."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)
