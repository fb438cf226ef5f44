"""OpenAPI descriptions of the project's own authentication classes (drf-spectacular)."""

from drf_spectacular.authentication import BasicScheme


class LockoutBasicScheme(BasicScheme):
    """Basic auth with login lockout is, to a client, plain HTTP basic auth."""

    target_class = "apps.core.authentication.LockoutBasicAuthentication"
