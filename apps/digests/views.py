"""A person's weekly digests. Opening one is consuming the get it promises."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from apps.core.types import authenticated_user
from apps.digests import selectors, services
from apps.digests.models import Digest
from apps.digests.presentation import digest_display
from apps.roles.decorators import member_required


def _viewer_id(request: HttpRequest) -> int:
    """Return the signed-in person's id (member_required guarantees one)."""
    return authenticated_user(request).pk


def _show(request: HttpRequest, digest: Digest) -> HttpResponse:
    """Render the digest; opening it is what consumes the get."""
    opened = services.digest_open(digest=digest)
    return render(request, "digests/detail.html", digest_display(opened))


@member_required
def latest(request: HttpRequest) -> HttpResponse:
    """Open the person's most recent digest (or say when the first one comes)."""
    digest = selectors.latest_digest(user_id=_viewer_id(request))
    if digest is None:
        return render(request, "digests/none.html")
    return _show(request, digest)


@member_required
def detail(request: HttpRequest, digest_id: int) -> HttpResponse:
    """Open one of the person's own digests; anyone else's does not exist for them."""
    digest = selectors.own_digest(user_id=_viewer_id(request), digest_id=digest_id)
    if digest is None:
        raise Http404
    return _show(request, digest)


@member_required
def archive(request: HttpRequest) -> HttpResponse:
    """List the person's past digests with when each was sent and opened."""
    return render(request, "digests/list.html", {"digests": selectors.digests_of(user_id=_viewer_id(request))})
