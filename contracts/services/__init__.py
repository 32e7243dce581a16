"""Writes for contracts. Import the module you need (``contracts.services.contracts``,
``.changes``, ``.claims``, ``.payments``); nothing is re-exported here."""
