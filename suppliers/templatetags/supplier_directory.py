"""Presentation helpers for the public supplier directory and profile pages."""

import json

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from marketplace.core.money import format_gbp
from suppliers.models import Capability, SupplierProfile
from suppliers.selectors import public_outward_code

register = template.Library()

SIZE_BADGES = {
    SupplierProfile.SizeBand.MICRO: "Micro business (SME)",
    SupplierProfile.SizeBand.SMALL: "Small business (SME)",
    SupplierProfile.SizeBand.MEDIUM: "Medium-sized business (SME)",
    SupplierProfile.SizeBand.LARGE: "Large business",
}

# The same escapes as Django's json_script: the JSON cannot close the <script> element or
# start an HTML comment, whatever a supplier typed.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def in_date_certifications(profile: SupplierProfile) -> list:
    return [c for c in profile.certifications.all() if not c.is_expired]


def is_new_to_public_sector(profile: SupplierProfile) -> bool:
    """No public-sector experience claimed and no public-sector case study to show."""
    if profile.has_public_sector_experience is not False:
        return False
    has_case_study = getattr(profile, "has_public_sector_case_study", None)
    if has_case_study is None:
        has_case_study = any(c.is_public_sector for c in profile.case_studies.all())
    return not has_case_study


@register.simple_tag
def supplier_badges(profile: SupplierProfile) -> list[dict[str, str]]:
    """Badges as (text, GOV.UK tag colour). Expired certificates earn no badge."""
    badges = []
    if profile.size_band in SIZE_BADGES:
        colour = "govuk-tag--green" if profile.is_sme else "govuk-tag--grey"
        badges.append({"text": SIZE_BADGES[profile.size_band], "class": colour})
    if profile.is_vcse:
        badges.append({"text": "VCSE", "class": "govuk-tag--purple"})
    badges += [
        {"text": c.name, "class": "govuk-tag--blue"} for c in in_date_certifications(profile)
    ]
    if is_new_to_public_sector(profile):
        badges.append({"text": "New to public sector", "class": "govuk-tag--yellow"})
    return badges


def _locality(profile: SupplierProfile) -> str:
    # ONS names some unitary authorities "Bristol, City of"; people say "Bristol".
    return (profile.district_name or profile.town).removesuffix(", City of")


@register.filter
def based_in(profile: SupplierProfile) -> str:
    """ "Based in Leeds, Yorkshire and The Humber" (or as much of it as we know)."""
    parts = [p for p in (_locality(profile), profile.region.name if profile.region else "") if p]
    return f"Based in {', '.join(parts)}" if parts else ""


@register.filter
def regions_served_names(profile: SupplierProfile) -> list[str]:
    if profile.serves_whole_uk:
        return ["the whole UK"]
    return [r.name for r in profile.regions_served.all()]


@register.filter
def gbp(pence: int | None) -> str:
    return format_gbp(pence)


@register.simple_tag
def capabilities_by_heading(profile: SupplierProfile) -> list[tuple[str, list[str]]]:
    """[(heading name, [entry names])] in taxonomy order; a bare heading lists no entries."""
    groups: dict[int, tuple[Capability, list[Capability]]] = {}
    for capability in profile.capabilities.all():
        heading = capability.parent or capability
        group = groups.setdefault(heading.pk, (heading, []))
        if capability.parent_id:
            group[1].append(capability)
    ordered = sorted(groups.values(), key=lambda g: (g[0].order, g[0].name))
    return [
        (heading.name, [c.name for c in sorted(entries, key=lambda c: (c.order, c.name))])
        for heading, entries in ordered
    ]


def organisation_jsonld_data(profile: SupplierProfile, *, profile_url: str) -> dict:
    """schema.org ``Organization`` for a public profile."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": profile.display_name,
        "legalName": profile.legal_name,
        "url": profile_url,
        "description": profile.summary,
        "address": {
            "@type": "PostalAddress",
            "postalCode": public_outward_code(profile),
            "addressLocality": _locality(profile),
            "addressRegion": profile.region.name if profile.region else "",
            "addressCountry": "GB",
        },
        "knowsAbout": [c.name for c in profile.capabilities.all()],
    }
    if profile.company_number:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "UK Companies House number",
            "value": profile.company_number,
        }
    if profile.website:
        data["sameAs"] = [profile.website]
    return data


@register.simple_tag(takes_context=True)
def organisation_jsonld(context, profile: SupplierProfile) -> str:
    request = context["request"]
    url = request.build_absolute_uri(reverse("suppliers:detail", args=[profile.slug]))
    payload = json.dumps(organisation_jsonld_data(profile, profile_url=url), ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped above
    )
