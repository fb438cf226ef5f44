from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.roles.decorators import member_required
from apps.roles.policies import membership_of
from apps.trust.models import DataUseStatement


@member_required
def charter(request: HttpRequest) -> HttpResponse:
    """Show the organisation's data-use charter: what each data category is used for, and never for."""
    membership = membership_of(request.user)
    statements = DataUseStatement.objects.filter(organisation_id=membership.organisation_id)  # type: ignore[union-attr]
    return render(request, "trust/charter.html", {"statements": statements})
