"""Receivers for the contracts app's declared domain events (``contracts.signals``).

The signals are sent after commit; each receiver only queues a task, so a slow mail server or a
failing task never affects the contract change that triggered it.
"""

from contracts.signals import contract_ended, milestone_met


def on_milestone_met(sender, milestone, **kwargs) -> None:
    from .tasks import invite_review_task

    invite_review_task.delay(milestone.contract_id, milestone.pk)


def on_contract_ended(sender, contract, **kwargs) -> None:
    from .tasks import invite_review_task

    invite_review_task.delay(contract.pk, None)


def connect() -> None:
    milestone_met.connect(on_milestone_met, dispatch_uid="feedback.invite_on_milestone_met")
    contract_ended.connect(on_contract_ended, dispatch_uid="feedback.invite_on_contract_ended")
