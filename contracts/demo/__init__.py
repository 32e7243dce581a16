"""Demo contracts for ``manage.py seed_demo`` (local use only), after the demo challenges.

Every funded application of the demo challenges becomes a contract through the same services
the pages use (create, accept, claim, query, answer, approve, approve in part, reject, pay), so
the audit trail, the running totals under the caps and the payments are all consistent:

- Northern Sensors (potholes, Department for Transport): first milestone met and paid, the
  second claimed and waiting for the commissioner.
- Sheffield Steel Robotics (potholes): first milestone met, its payment sent to the finance
  team (in the remittance file).
- Ipswich Port Logistics (quieter night-time freight): first milestone met and paid, the
  second overdue (red on the portfolio).
- Brighton Behavioural Design (missed outpatient appointments, Manchester University NHS
  Foundation Trust): payment by results, £1,200 per resident supported into work, target 150,
  cap £150,000, with claims in every state and payments paid and pending.

Payments use the ledger provider (the finance team's remittance file). Idempotent: a contract
that already has claims is left alone.
"""

from .seed import accounts_table, seed

__all__ = ["accounts_table", "seed"]
