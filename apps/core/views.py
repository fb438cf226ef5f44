"""Pages of the core app: the health endpoint for load balancers and compose, and the 404 answer."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.core.health import health_report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database, cache and broker work, 503 naming the part that does not."""
    healthy, report = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


API_PREFIX = "/api/"


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Answer an unknown address: JSON under /api/ (what the API documents), the usual page elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)
