from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apps.roles.decorators import member_required
from apps.suggestions.models import Suggestion
from apps.suggestions.services import suggestion_decide


@require_POST
@member_required
def decide(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """Accept or dismiss one of your own suggestions; others' suggestions do not exist for you."""
    suggestion = Suggestion.objects.filter(pk=suggestion_id, user=request.user).first()
    if suggestion is None:
        raise Http404
    suggestion_decide(suggestion=suggestion, accept=request.POST.get("decision") == "accept")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/me/"
    return redirect(target)
