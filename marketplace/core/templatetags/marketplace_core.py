"""Template tags every app uses: status tags from a model's transition table, and rendering of
contributions (dashboard panels, home sections) from the registry.

    {% load marketplace_core %}
    {% status_tag profile %}                  -> <strong class="govuk-tag govuk-tag--green">Approved</strong>
    {% status_style profile as style %}        -> style.description, style.next_step
    {% if profile|allows:"submit" %}           -> the table allows that transition now
    {% for panel in panels %}{% render_contribution panel %}{% endfor %}
"""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from marketplace.core.registry import PageAction, contributions
from marketplace.core.transitions import StatusStyle

register = template.Library()


def _style(obj) -> StatusStyle:
    table = getattr(type(obj), "TRANSITIONS", None)
    if table is None:
        raise template.TemplateSyntaxError(
            f"{type(obj).__name__} has no TRANSITIONS table, so it has no status tag"
        )
    return table.style(obj.status)


@register.simple_tag
def status_tag(obj) -> str:
    """A GOV.UK tag for ``obj.status``, coloured and labelled by the model's table."""
    style = _style(obj)
    label = style.label or obj.get_status_display()
    modifier = f" govuk-tag--{style.colour}" if style.colour else ""
    return format_html('<strong class="govuk-tag{}">{}</strong>', modifier, label)


@register.simple_tag
def status_style(obj) -> StatusStyle:
    """The table's style for ``obj.status``: ``colour``, ``label``, ``next_step``, ``description``."""
    return _style(obj)


@register.filter
def allows(obj, transition: str) -> bool:
    """``{% if claim|allows:"submit" %}``: whether the table allows ``transition`` from the
    object's current status (not whether this user may take it)."""
    return type(obj).TRANSITIONS.can(transition, obj.status)


@register.simple_tag(takes_context=True)
def render_contribution(context, shown) -> str:
    """Render a ``registry.Shown`` panel or section with the page's context plus its own."""
    return render_to_string(
        shown.item.template,
        {**context.flatten(), **shown.context},
        request=context.get("request"),
    )


@register.simple_tag(takes_context=True)
def page_actions(context, page: str, obj) -> str:
    """``{% page_actions "supplier_profile" profile %}``: what other apps add to this page."""
    request = context.get("request")
    parts = []
    for action in contributions(PageAction):
        if action.page != page:
            continue
        extra = action.context(request, obj)
        if extra is not None:
            parts.append(render_to_string(action.template, {"object": obj, **extra}, request))
    return mark_safe("".join(parts))  # noqa: S308 - each part is a rendered, escaped template
