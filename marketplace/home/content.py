"""Starter editorial content, used by the data migration and ``seed_demo``.

Plain data only (no models), so a migration can import it without depending on model code.
Editors change all of this in the CMS afterwards.
"""

HOW_IT_WORKS = [
    {
        "type": "how_it_works",
        "value": {
            "audience": "buyers",
            "heading": "How it works for buyers",
            "steps": [
                {
                    "heading": "Describe the problem",
                    "text": "Say what is going wrong and what outcomes you need. Do not write a specification.",
                },
                {
                    "heading": "Fund in stages",
                    "text": "Start with small feasibility contracts, then fund the best ideas to build a prototype.",
                },
                {
                    "heading": "Pay for results",
                    "text": "Pay against milestones and measured outcomes, and rate the supplier when the work ends.",
                },
            ],
        },
    },
    {
        "type": "how_it_works",
        "value": {
            "audience": "suppliers",
            "heading": "How it works for suppliers",
            "steps": [
                {
                    "heading": "Join at any time",
                    "text": "Tell us about your organisation once. We check it and you can then apply for any challenge.",
                },
                {
                    "heading": "Get alerts",
                    "text": "Choose the kinds of problem you solve and we will email you when a matching challenge opens.",
                },
                {
                    "heading": "Apply and deliver",
                    "text": "Propose your solution, win a funded contract and get paid as you meet milestones.",
                },
            ],
        },
    },
]

GUIDANCE_INDEX = {
    "title": "Guidance",
    "slug": "guidance",
    "intro": "How challenge-based buying works, and how to take part as a buyer or a supplier.",
}


def _p(*paragraphs: str) -> list[dict]:
    return [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]


# Starter guidance: believable, plain-English GOV.UK style. Editors own it once it is created.
GUIDANCE_PAGES = [
    {
        "title": "How challenge-based buying works",
        "slug": "how-challenge-based-buying-works",
        "audience": "everyone",
        "summary": (
            "Public bodies describe a problem and the outcomes they need, then fund suppliers "
            "in stages to solve it."
        ),
        "body": [
            {"type": "heading", "value": "Start with the problem, not the solution"},
            *_p(
                "A buyer publishes a challenge that explains what is going wrong, who it affects "
                "and what a better result would look like. It does not say what to buy.",
                "Suppliers propose how they would solve it. This lets small businesses and "
                "charities offer new ideas that a specification would have ruled out.",
            ),
            {"type": "heading", "value": "What happens after a challenge opens"},
            *_p(
                "Suppliers can ask clarification questions while the challenge is open. Answers "
                "are published to everyone so no one gets an advantage.",
                "After the closing date, assessors score each application against the published "
                "criteria. The buyer then funds the best applications, up to the phase budget.",
            ),
            {
                "type": "inset",
                "value": (
                    "Challenges can run as a competition with a fixed closing date, or as an "
                    "open call that accepts applications at any time and assesses them in batches."
                ),
            },
        ],
    },
    {
        "title": "Joining as a supplier",
        "slug": "joining-as-a-supplier",
        "audience": "suppliers",
        "summary": (
            "Tell us about your organisation once, and apply for any challenge when it opens."
        ),
        "body": [
            {"type": "heading", "value": "What you need"},
            *_p(
                "You need your company or charity number, your registered postcode, your number "
                "of staff, your annual turnover and your balance sheet total.",
                "We use these figures to work out whether you are a small or medium-sized "
                "enterprise (SME). Some challenges are reserved for SMEs.",
            ),
            {"type": "heading", "value": "How long it takes"},
            *_p(
                "Most organisations finish their profile in about 20 minutes. You can save your "
                "answers and come back later.",
                "We check each profile within 5 working days. We will email you if we need more "
                "information.",
            ),
            {
                "type": "warning",
                "value": (
                    "Keep your certifications up to date. Challenges that need a certification "
                    "such as Cyber Essentials will not accept an application if yours has expired."
                ),
            },
        ],
    },
    {
        "title": "Staged funding explained",
        "slug": "staged-funding-explained",
        "audience": "everyone",
        "summary": (
            "Most challenges fund several small feasibility studies first, then larger "
            "contracts for the ideas that work."
        ),
        "body": [
            {"type": "heading", "value": "Phase 1: feasibility"},
            *_p(
                "Several suppliers each get a short, fixed-price contract to show that their idea "
                "could work. This is usually 3 to 6 months.",
            ),
            {"type": "heading", "value": "Phase 2: prototype and testing"},
            *_p(
                "Only suppliers who held a phase 1 contract can apply for phase 2. Fewer, larger "
                "contracts are awarded to build and test a working prototype with real users.",
            ),
            {
                "type": "inset",
                "value": (
                    "The buyer keeps the right to use what was developed, and the supplier keeps "
                    "the intellectual property, unless the challenge says otherwise."
                ),
            },
        ],
    },
    {
        "title": "Payment by results",
        "slug": "payment-by-results",
        "audience": "buyers",
        "summary": (
            "Pay suppliers when milestones are met and outcomes are achieved, with limits that "
            "protect public money."
        ),
        "body": [
            {"type": "heading", "value": "Milestones and outcomes"},
            *_p(
                "A contract can pay a fixed amount when a milestone is delivered, and a tariff "
                "for each outcome achieved, such as each person helped back into work.",
                "The supplier sends evidence with each claim. A commissioner reviews it and "
                "approves all, part or none of the amount claimed.",
            ),
            {"type": "heading", "value": "Limits on payments"},
            *_p(
                "Payments can never go over the cap for an outcome, the contract value or the "
                "budget for the phase.",
            ),
            {
                "type": "warning",
                "value": (
                    "Agree how each outcome will be measured before the contract starts. Claims "
                    "cannot be approved against a measure that was not agreed."
                ),
            },
        ],
    },
]
