from django.db.models import QuerySet

from apps.trust.models import AccessRecord


def who_looked_at(*, subject_id: int, limit: int = 20) -> QuerySet[AccessRecord]:
    """Return the latest looks at this person's data, newest first."""
    return AccessRecord.objects.filter(subject_id=subject_id).select_related("viewer")[:limit]
