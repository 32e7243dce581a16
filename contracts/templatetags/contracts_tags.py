"""Template filters for contract pages: money in pounds, UK dates and the red/amber/green tag."""

from django import template
from django.utils.html import format_html

from marketplace.core.dates import uk_datetime
from marketplace.core.money import format_gbp

register = template.Library()

# Red/amber/green is not a status (it has no transitions): its own colours, GOV.UK tag names.
RAG_COLOURS = {"green": "green", "amber": "yellow", "red": "red"}


@register.filter
def gbp(pence) -> str:
    """Integer pence as pounds: 5000000 -> "£50,000"; 123456 -> "£1,234.56"."""
    return "" if pence is None else format_gbp(int(pence))


@register.filter
def uk_time(value) -> str:
    """A stored (UTC) time as people in the UK read it: "1 March 2027 at 12pm"."""
    return uk_datetime(value)


@register.filter
def uk_date(value) -> str:
    """A date as GOV.UK writes it: "1 March 2027"."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


@register.simple_tag
def rag_tag(contract) -> str:
    """The contract's red/amber/green tag ("On track", "At risk", "Off track")."""
    colour = RAG_COLOURS.get(contract.rag, "grey")
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, contract.get_rag_display()
    )


# Events in a claim's history that are not transitions of its table.
OTHER_EVENTS = {
    "claim.submitted": "Claim submitted",
    "claim.answered": "Answer sent",
    "claim.evidence_added": "Evidence added",
}


@register.simple_tag
def history_label(obj, verb: str) -> str:
    """An audit verb about ``obj`` in words, from its transition table where it is one."""
    if verb in OTHER_EVENTS:
        return OTHER_EVENTS[verb]
    return type(obj).TRANSITIONS.history_label(verb)
