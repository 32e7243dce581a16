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
