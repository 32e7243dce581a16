"""One transition table per stateful model.

A model declares its lifecycle once, at the model layer, so services, forms, selectors,
templates and the dashboard all read the same facts::

    class Claim(models.Model):
        class Status(models.TextChoices): ...
        TRANSITIONS = TransitionTable(
            prefix="claim",
            transitions=[
                Transition("submit", source={"draft", "queried"}, target="submitted",
                           done="Claim submitted"),
                ...
            ],
            styles={"draft": StatusStyle("grey", next_step="Finish and submit your claim")},
        )

From the table come:
- the allowed-from set of each transition (``table.ensure(obj, "submit")`` in a service),
- the audit event name (``table.event("submit")`` -> ``"claim.submitted"`` unless given),
- the "done" message a view flashes after the service succeeds,
- the dashboard's next step for a status, and
- the GOV.UK tag colour used by the ``status_tag`` template tag.

Templates never restate statuses: they call ``{% status_tag obj %}`` or read
``obj.TRANSITIONS.style(obj.status)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import InvalidTransition

# GOV.UK Frontend tag colours (govuk-tag--<colour>); "" is the default dark blue.
TAG_COLOURS = {"", "grey", "green", "turquoise", "blue", "light-blue", "purple", "pink", "red"}
TAG_COLOURS |= {"orange", "yellow"}


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset[str]
    target: str
    done: str = ""
    # Audit event suffix; defaults to the target status ("claim.approved").
    event: str = ""
    # Who may take it, in words ("supplier admin", "platform admin"); for docs and screens.
    who: str = ""
    # What happened, as a history line reads it ("Submitted for review"); defaults to ``done``.
    history: str = ""

    def __init__(
        self,
        name,
        *,
        source: Iterable[str],
        target: str,
        done: str = "",
        event="",
        who: str = "",
        history: str = "",
    ):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", frozenset(str(s) for s in source))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "done", done)
        object.__setattr__(self, "event", event or str(target))
        object.__setattr__(self, "who", who)
        object.__setattr__(self, "history", history or done)


@dataclass(frozen=True)
class StatusStyle:
    colour: str = ""
    # What the owner should do next, in words, for dashboards ("" when nothing is due).
    next_step: str = ""
    # Shorter or friendlier label than the TextChoices label, where a tag needs one.
    label: str = ""
    # What the status means for the owner, in a sentence for their status page.
    description: str = ""

    def __post_init__(self):
        if self.colour not in TAG_COLOURS:
            raise ValueError(f"{self.colour!r} is not a GOV.UK tag colour")


@dataclass(frozen=True)
class TransitionTable:
    prefix: str
    transitions: tuple[Transition, ...]
    styles: dict[str, StatusStyle] = field(default_factory=dict)

    def __init__(self, *, prefix: str, transitions: Iterable[Transition], styles=None):
        transitions = tuple(transitions)
        names = [t.name for t in transitions]
        if len(set(names)) != len(names):
            raise ValueError(f"{prefix}: transition names must be unique")
        object.__setattr__(self, "prefix", prefix)
        object.__setattr__(self, "transitions", transitions)
        object.__setattr__(self, "styles", {str(k): v for k, v in (styles or {}).items()})

    def __getitem__(self, name: str) -> Transition:
        for transition in self.transitions:
            if transition.name == name:
                return transition
        raise KeyError(f"{self.prefix} has no transition {name!r}")

    def allowed_from(self, name: str) -> frozenset[str]:
        return self[name].source

    def can(self, name: str, status: str) -> bool:
        return str(status) in self[name].source

    def available(self, status: str) -> list[Transition]:
        """The transitions that may start from ``status``, in table order."""
        return [t for t in self.transitions if str(status) in t.source]

    def event(self, name: str) -> str:
        return f"{self.prefix}.{self[name].event}"

    def done(self, name: str) -> str:
        return self[name].done

    def style(self, status: str) -> StatusStyle:
        return self.styles.get(str(status), StatusStyle())

    def statuses_with(self, *names: str) -> frozenset[str]:
        """The statuses from which any of ``names`` may start (for queryset filters)."""
        return frozenset().union(*(self[name].source for name in names))

    def history_label(self, verb: str) -> str:
        """An audit verb in words ("supplier.submitted" -> "Submitted for review").

        Falls back to the verb itself for events that are not transitions of this table.
        """
        for transition in self.transitions:
            if f"{self.prefix}.{transition.event}" == verb and transition.history:
                return transition.history
        return verb

    def ensure(self, obj, name: str) -> Transition:
        """Refuse unless ``obj.status`` allows ``name``; returns the transition."""
        transition = self[name]
        if str(obj.status) not in transition.source:
            raise InvalidTransition(
                f"This cannot be done while the {obj._meta.verbose_name} is "
                f"{obj.get_status_display().lower()}."
            )
        return transition
