"""Feedback: buyer reviews of suppliers (moderated, with right of reply) and supplier feedback
on buyers' processes, shown only in aggregate (see docs/feedback.md)."""
