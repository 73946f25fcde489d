"""One way to write a workflow: states, the transitions between them, who may take each (the
permission table, never a role literal), and a row lock so that two clicks at once make one
effect.

    REVIEW = Workflow(
        transitions=[
            Transition("accept", sources={S.RECEIVED}, target=S.ACCEPTED,
                       action="complaint.change", label=_("accepted")),
            ...
        ],
        refusal=_("A tip-off that is “%(status)s” cannot be %(action)s."),
    )

    @transaction.atomic
    def complaint_accept(*, actor, complaint):
        step = REVIEW.begin(complaint, "accept", actor=actor)
        step.record.accepted_at = timezone.now()
        return step.finish(fields=["accepted_at"])

Guarantees of `begin` (it must run inside the caller's transaction):
- the actor acts through a membership of the record's own bureau (PermissionDenied otherwise)
  and their role holds the transition's action in `bureaus.permissions.ACTIONS`;
- the row is locked (`SELECT … FOR UPDATE`) and its state re-read: a transition that is no
  longer allowed (someone else took a step first) raises the workflow's ValidationError, so of
  two concurrent clicks exactly one takes effect;
- `finish` saves only the state field and the fields the service names (never a stale full row).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bureaus.permissions import membership_may


@dataclass(frozen=True)
class Transition:
    """A named step from any of `sources` to `target` (None: the state does not change),
    taken by the roles that hold `action`; `label` completes the workflow's refusal message,
    or `refusal` replaces it for this transition."""

    name: str
    sources: frozenset
    target: str | None
    action: str
    label: str = ""
    refusal: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


@dataclass
class Step:
    """A transition under way on a locked, freshly read row."""

    workflow: "Workflow"
    transition: Transition
    record: object
    from_state: str
    original: object = None

    @property
    def target(self) -> str:
        return self.transition.target or self.from_state

    def finish(self, *, fields=(), to: str | None = None) -> object:
        """Move to the target state (or `to`, for a transition whose target depends on where
        it starts) and save the state and `fields` only."""
        name = self.workflow.field
        setattr(self.record, name, to or self.target)
        update = [name, *fields]
        if "updated_at" in {f.name for f in self.record._meta.concrete_fields}:
            update.append("updated_at")
        update = list(dict.fromkeys(update))
        self.record.save(update_fields=update)
        if self.original is not None and self.original is not self.record:
            # The caller's copy shows what was saved, as if it had been saved itself.
            for name in update:
                setattr(self.original, name, getattr(self.record, name))
        return self.record


class Workflow:
    """The transitions of one model's state field."""

    def __init__(self, *, transitions, refusal, field: str = "status"):
        self.transitions = {t.name: t for t in transitions}
        self.refusal = refusal
        self.field = field
        # state -> the transitions open in it: a list's every row asks (issue 11).
        self._open_in = {}

    def __getitem__(self, name: str) -> Transition:
        return self.transitions[name]

    def __contains__(self, name: str) -> bool:
        return name in self.transitions

    def state_of(self, record) -> str:
        return getattr(record, self.field)

    def may(self, record, name: str, *, membership) -> bool:
        """Whether this membership may take the transition on the record as it is now."""
        transition = self.transitions[name]
        return (
            membership is not None
            and membership.bureau_id == record.bureau_id
            and membership_may(membership, transition.action)
            and self.state_of(record) in transition.sources
        )

    def available(self, record, *, membership) -> list[str]:
        """The transitions this membership may take now, in declaration order."""
        return [name for name in self.transitions if self.may(record, name, membership=membership)]

    def open_to(self, record) -> list[str]:
        """The transitions the record's state allows, whoever takes them."""
        return self.open_in(self.state_of(record))

    def open_in(self, state: str) -> list[str]:
        """The transitions a record in `state` allows, whoever takes them."""
        names = self._open_in.get(state)
        if names is None:
            names = self._open_in[state] = tuple(
                n for n, t in self.transitions.items() if state in t.sources
            )
        return list(names)

    def refuse(self, record, transition: Transition) -> ValidationError:
        display = getattr(record, f"get_{self.field}_display", None)
        status = display() if display else self.state_of(record)
        target_label = ""
        if transition.target is not None:
            choices = dict(record._meta.get_field(self.field).flatchoices)
            target_label = choices.get(transition.target, transition.target)
        return ValidationError(
            transition.refusal or self.refusal,
            code="transition",
            params={
                "status": status,
                "from": status,
                "to": target_label,
                "action": transition.label or transition.name,
            },
        )

    def lock(self, record):
        """The record's row, locked until the transaction ends, freshly read."""
        return type(record)._default_manager.select_for_update().get(pk=record.pk)

    def begin(self, record, name: str, *, actor) -> Step:
        """Check who, lock the row, re-check the state; see the module's guarantees."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Workflow.begin() must run inside the service's transaction")
        transition = self.transitions[name]
        membership = getattr(actor, "membership", None)
        if membership is None or membership.bureau_id != record.bureau_id:
            raise PermissionDenied
        if not membership_may(membership, transition.action):
            raise PermissionDenied
        return self._locked_step(record, transition)

    def begin_as_system(self, record, name: str) -> Step:
        """The same for a periodic job acting for the platform (no membership to check)."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Workflow.begin_as_system() must run inside a transaction")
        return self._locked_step(record, self.transitions[name])

    def _locked_step(self, record, transition: Transition) -> Step:
        locked = self.lock(record)
        if self.state_of(locked) not in transition.sources:
            raise self.refuse(locked, transition)
        return Step(self, transition, locked, from_state=self.state_of(locked), original=record)
