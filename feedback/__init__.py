"""Feedback: buyer reviews of suppliers (moderated, with right of reply) and supplier feedback
on buyers' processes (see ARCHITECTURE.md).

Reserved: this package is not yet a Django app and is not in INSTALLED_APPS. Until it is, the
supplier directory shows "No reviews yet" for every supplier.
"""
