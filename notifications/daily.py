"""What the calendar hands over: reminders made once a day by a beat task. Each is made
once per object (a missed day is caught up the next), so running twice tells nobody
twice. The reminders themselves belong to their domains (hooks.daily_reminder)."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from . import kinds
from .hooks import DAILY_REMINDERS
from .models import Notification


def not_told(queryset, kind: kinds.Kind):
    """The rows of `queryset` with no notification of this kind yet (a subquery, so the
    cost does not grow with every reminder ever made)."""
    told = Notification.objects.filter(
        kind=kind.name,
        target_type=ContentType.objects.get_for_model(queryset.model),
        target_id=Cast(OuterRef("pk"), CharField()),
    )
    return queryset.exclude(Exists(told))


def run(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    return {name: reminder(today) for name, reminder in DAILY_REMINDERS.items()}
