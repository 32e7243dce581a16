"""Demo challenges for ``manage.py seed_demo`` (local use only): every status, three buyers.

Each challenge is walked to where the story leaves it through the same services the pages use
(create, add phases, send for approval, approve, open, ask and answer questions, apply, close,
assess, moderate, decide, release feedback, open the next phase), so audit events are written
and every rule holds. Dates are then moved back where the story needs a past ("closed five days
ago"), because the services stamp the present.

Idempotent: a challenge found by its slug is left alone, so running seed_demo twice changes
nothing. It needs the accounts and suppliers seeders to have run first (its order is after
theirs).

What the README's demo accounts find to do:
- buyer@ (Leeds City Council): a question to answer on "Cutting missed bin collections", an
  application to moderate on "Reducing falls among older people living at home", and a
  challenge a colleague sent for approval.
- assessor@ (the programme, a co-funder of the falls challenge): applications to score, and
  one conflict declared.
- supplier@ (Northern Sensors Ltd): a draft application to the bin collections challenge, a
  funded decision with feedback on the pothole challenge, and an invitation to its phase 2.
"""

from .seed import accounts_table, seed
from .specs import NORTHERN_SENSORS, README_ASSESSOR, README_BUYER, README_SUPPLIER

__all__ = [
    "NORTHERN_SENSORS",
    "README_ASSESSOR",
    "README_BUYER",
    "README_SUPPLIER",
    "accounts_table",
    "seed",
]
