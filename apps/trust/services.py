"""Recording who looked at whose data."""

import datetime as dt

from django.utils import timezone

from apps.trust.models import AccessRecord

# A reload within this window is the same look, not a new one.
SAME_LOOK_WINDOW = dt.timedelta(minutes=10)


def access_record(*, viewer_id: int, subject_id: int, what: str) -> AccessRecord | None:
    """Record that `viewer` opened `subject`'s personal data; looking at yourself is not recorded."""
    if viewer_id == subject_id:
        return None
    now = timezone.now()
    recent = AccessRecord.objects.filter(
        viewer_id=viewer_id, subject_id=subject_id, what=what, viewed_at__gte=now - SAME_LOOK_WINDOW
    ).first()
    if recent is not None:
        return recent
    return AccessRecord.objects.create(viewer_id=viewer_id, subject_id=subject_id, what=what, viewed_at=now)
