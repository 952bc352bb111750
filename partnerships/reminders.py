"""The partnership's daily reminders and the calendar file of meeting e-mails
(registered with notifications from PartnershipsConfig.ready)."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse

from notifications import kinds
from notifications.daily import not_told
from notifications.hooks import attachment_for, daily_reminder
from notifications.services import notify

from .meeting_selectors import meeting_ics
from .models import ActionItem, Meeting


@daily_reminder("action_items")
def action_item_reminders(today: dt.date) -> int:
    """Due tomorrow, and overdue: once each, to the item's owner (a company contact's
    login included; a contact without one was e-mailed when the item was given)."""
    made = 0
    open_items = ActionItem.objects.filter(
        Q(owner__isnull=False) | Q(owner_contact__user__isnull=False), done=False
    ).select_related("owner", "owner_contact__user", "meeting")
    for kind, items in [
        (kinds.ACTION_ITEM_DUE, open_items.filter(due_date=today + dt.timedelta(days=1))),
        (kinds.ACTION_ITEM_OVERDUE, open_items.filter(due_date__lt=today)),
    ]:
        for item in not_told(items, kind):
            url = reverse("partnerships:meeting_detail", args=[item.meeting_id])
            owner = item.owner or item.owner_contact.user
            made += len(notify(kind, recipients=[owner], target=item, url=url))
    return made


@attachment_for(kinds.MEETING_INVITATION, kinds.MEETING_CHANGED, kinds.MEETING_CANCELLED)
def meeting_calendar_file(notification):
    """The meeting's .ics (a cancellation cancels it in calendars)."""
    if ContentType.objects.get_for_id(notification.target_type_id).model_class() is not Meeting:
        return None
    meeting = Meeting.objects.filter(pk=notification.target_id).first()
    if meeting is None:
        return None
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return ("meeting.ics", meeting_ics(meeting, host=host), "text/calendar")
