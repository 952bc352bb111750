"""iCalendar (RFC 5545) files, written with the `icalendar` library: it escapes text
(commas, semicolons, backslashes and every kind of line break typed into a textarea),
folds long lines and ends them with CRLF, which hand-written writers get wrong."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from icalendar import Calendar, Event


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: dt.date | dt.datetime  # a date for all-day events (course blocks)
    end: dt.date | dt.datetime  # exclusive, as iCalendar counts it
    summary: str
    location: str = ""
    description: str = ""
    cancelled: bool = False


def calendar(events, *, name: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Partnerskab//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        cal.add("x-wr-calname", name)
    stamp = timezone.now().astimezone(dt.UTC)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        for key, value in (("dtstart", item.start), ("dtend", item.end)):
            is_moment = isinstance(value, dt.datetime)
            event.add(key, value.astimezone(dt.UTC) if is_moment else value)
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
