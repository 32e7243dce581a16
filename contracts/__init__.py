"""Contracts: Contract, Milestone, OutcomeMetric, Claim, Review, Payment, payment providers
(Stripe, ledger), change requests and the commissioner portfolio (see ARCHITECTURE.md).

Reserved: this package is not yet a Django app and is not in INSTALLED_APPS.
"""
