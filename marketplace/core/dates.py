"""Dates and times as people in the UK read them (GOV.UK style), from stored UTC values.

Stored: timezone-aware UTC. Shown: Europe/London, whatever the season ("12pm" in winter and
summer alike). One place, so every page, email and PDF says a deadline the same way.
"""

from __future__ import annotations

import datetime

from django.utils import timezone


def uk_clock(value: datetime.datetime) -> str:
    """``12pm``, ``9:30am`` (Europe/London)."""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def uk_datetime(value: datetime.datetime | None) -> str:
    """``1 March 2027 at 12pm`` (Europe/London); "" for None."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%B %Y} at {uk_clock(value)}"


def uk_deadline(value: datetime.datetime) -> str:
    """``12pm on Friday 6 March 2026`` (Europe/London): the way a deadline is written."""
    local = timezone.localtime(value)
    return f"{uk_clock(value)} on {local:%A} {local.day} {local:%B %Y}"
