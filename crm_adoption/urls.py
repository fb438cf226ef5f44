from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    # No login: probes call it (answered early by apps.core.middleware.HealthCheckMiddleware).
    path("", include("apps.core.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Logged-out visitors are sent to the login page; the schema itself answers 401/403. The split
    # view serves Swagger UI's start-up script as a file (?script), so no inline script is needed.
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
    path("api/", include("crm_adoption.api_urls")),
    path("", include("apps.dashboards.urls")),
    path("activities/", include("apps.activities.urls")),
    path("suggestions/", include("apps.suggestions.urls")),
    path("rollout/", include("apps.rollout.urls")),
    path("contracts/", include("apps.givegets.urls")),
    path("quickwins/", include("apps.quickwins.urls")),
    path("pulse/", include("apps.pulse.urls")),
    path("trust/", include("apps.trust.urls")),
    path("digests/", include("apps.digests.urls")),
    path("imports/", include("apps.imports.urls")),
    path("campaigns/", include("apps.campaigns.urls")),
    path("coaching/", include("apps.coaching.urls")),
    path("ambassadors/", include("apps.ambassadors.urls")),
    path("service/", include("apps.service.urls")),
    path("organisation/people/", include("apps.people.urls")),
    path("organisation/roles/", include("apps.roles.urls")),
    path("organisation/pipeline/", include("apps.people.pipeline_urls")),
    path("welcome/", include("apps.people.welcome_urls")),
    path("integrations/", include("apps.integrations.urls")),
    path("adoption/", include("apps.adoption.urls")),
]

# An unknown address under /api/ answers JSON, like every other API error.
handler404 = "apps.core.views.not_found"
