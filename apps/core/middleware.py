"""Middleware of the core app."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.core import views

HEALTH_PATHS = frozenset({"/healthz", "/healthz/"})


class HealthCheckMiddleware:
    """Answer /healthz before host validation and the HTTPS redirect.

    Probes (the compose health check, a load balancer) call the server by its own address over
    plain HTTP, which ALLOWED_HOSTS and SECURE_SSL_REDIRECT would rightly refuse for anyone else.
    The answer carries no secrets and reads nothing from the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in HEALTH_PATHS:
            return views.healthz(request)
        return self.get_response(request)
