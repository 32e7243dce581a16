"""Demo listings and case-study stories: one offer, one proof of concept and one story per
capability heading."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Listing

# Public bodies that appear as clients in case studies, by region.
BUYERS = {
    "TLC": "Newcastle City Council",
    "TLD": "Greater Manchester Combined Authority",
    "TLE": "Leeds City Council",
    "TLF": "Nottingham City Council",
    "TLG": "Birmingham City Council",
    "TLH": "Cambridgeshire County Council",
    "TLI": "London Borough of Camden",
    "TLJ": "Brighton and Hove City Council",
    "TLK": "Bristol City Council",
    "TLL": "Cardiff Council",
    "TLM": "The City of Edinburgh Council",
    "TLN": "Belfast City Council",
}


@dataclass(frozen=True)
class Offer:
    title: str
    summary: str
    price_model: str
    price_pence: int | None
    kind: str = Listing.Kind.SERVICE


@dataclass(frozen=True)
class Story:
    title: str
    challenge: str
    outcome: str


# One offer, one proof of concept and one story per capability heading.
OFFERS: dict[str, tuple[Offer, Offer, Story]] = {
    "data-and-ai": (
        Offer(
            "Data discovery sprint",
            "Two weeks to find out what your data can and cannot tell you, with a report "
            "your team can act on.",
            Listing.PriceModel.FIXED,
            1_200_000,
        ),
        Offer(
            "Predictive model trial",
            "A working model trained on a sample of your data, tested against last year's "
            "outcomes, so you can judge it before you buy.",
            Listing.PriceModel.FIXED,
            450_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Predicting which homes need repairs first",
            "Repairs were booked only after tenants complained, often too late.",
            "Damp and mould cases were found 6 weeks earlier on average, and emergency "
            "call-outs fell by 18% in the first year.",
        ),
    ),
    "iot-and-sensors": (
        Offer(
            "Sensor network as a service",
            "Installed, maintained and replaced sensors with an open data feed.",
            Listing.PriceModel.PER_USER,
            4_500,
        ),
        Offer(
            "Ten-sensor pilot",
            "Ten sensors for three months with a dashboard and a findings report.",
            Listing.PriceModel.FIXED,
            600_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Air quality outside school gates",
            "The council could not see pollution at the times children arrive and leave.",
            "Engine idling fell by 40% at 12 schools and the data now feeds the council's "
            "school streets programme.",
        ),
    ),
    "health-tech": (
        Offer(
            "Remote monitoring platform",
            "Patients record readings at home; clinicians see who needs a call today.",
            Listing.PriceModel.PER_USER,
            1_800,
        ),
        Offer(
            "Ward-level pilot",
            "Twelve weeks on one ward or service, with an independent evaluation plan.",
            Listing.PriceModel.FIXED,
            1_500_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Fewer readmissions for heart failure patients",
            "Patients were readmitted because changes in weight and breathing went unnoticed.",
            "Readmissions within 30 days fell from 21% to 13% over 9 months.",
        ),
    ),
    "digital-services": (
        Offer(
            "Discovery and alpha team",
            "A multidisciplinary team that follows the Service Standard from day one.",
            Listing.PriceModel.DAY_RATE,
            85_000,
        ),
        Offer(
            "Accessibility check of one service",
            "We test one online service against WCAG 2.2 AA and show you how to fix what fails.",
            Listing.PriceModel.FIXED,
            350_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "An online form people can finish",
            "Half of the people who started the blue badge application gave up.",
            "Completion rose to 89% and phone calls about the form halved.",
        ),
    ),
    "net-zero-and-energy": (
        Offer(
            "Building energy survey",
            "Sensor-backed survey of a public building with a costed retrofit plan.",
            Listing.PriceModel.FIXED,
            900_000,
        ),
        Offer(
            "Heat loss pilot for 20 homes",
            "Thermal imaging and smart meters in 20 homes to show where retrofit pays back.",
            Listing.PriceModel.FIXED,
            800_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Cutting energy use in council buildings",
            "Energy bills for 40 buildings had doubled and nobody knew which to fix first.",
            "A ranked retrofit plan saved 1,100 tonnes of CO2 and £380,000 a year.",
        ),
    ),
    "transport": (
        Offer(
            "Traffic data service",
            "Counts and journey times from existing cameras, without storing images.",
            Listing.PriceModel.OUTCOME_BASED,
            None,
        ),
        Offer(
            "Junction trial",
            "Smart signals at one junction for three months, measured against a control site.",
            Listing.PriceModel.FIXED,
            1_000_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Faster buses through a congested corridor",
            "Buses on the main corridor were late 1 time in 3 at peak times.",
            "Bus journey times fell by 12% and punctuality rose to 88%.",
        ),
    ),
    "citizen-engagement": (
        Offer(
            "Community consultation platform",
            "Online and in-person consultation with easy read and translated versions.",
            Listing.PriceModel.FIXED,
            750_000,
        ),
        Offer(
            "Neighbourhood pilot",
            "Six weeks of engagement in one neighbourhood with a report of what people said.",
            Listing.PriceModel.FIXED,
            250_000,
            Listing.Kind.PROOF_OF_CONCEPT,
        ),
        Story(
            "Hearing from people who never reply to consultations",
            "Consultation responses came mostly from a small group of retired homeowners.",
            "Responses from under-35s rose sixfold and the park plan changed as a result.",
        ),
    ),
}
