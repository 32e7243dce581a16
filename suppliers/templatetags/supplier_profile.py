"""Tags for the supplier's own profile pages."""

from django import template

from suppliers.lifecycle import reasons_notice

register = template.Library()


@register.inclusion_tag("suppliers/onboarding/_reasons_notice.html")
def profile_reasons(profile) -> dict:
    """The reviewer's reasons for the profile's current status, if any (see lifecycle)."""
    return {"notice": reasons_notice(profile)}
