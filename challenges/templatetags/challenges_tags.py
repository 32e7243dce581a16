"""Template filters for challenge pages: money in pounds and times in UK time."""

from django import template

from marketplace.core.dates import uk_datetime
from marketplace.core.money import format_gbp

register = template.Library()


@register.filter
def gbp(pence) -> str:
    """Integer pence as pounds: 5000000 -> "£50,000"."""
    return "" if pence is None else format_gbp(pence)


@register.filter
def uk_time(value) -> str:
    """A stored (UTC) time as people in the UK read it: "1 March 2027 at 12pm"."""
    return uk_datetime(value)
