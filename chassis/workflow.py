"""Workflows: the states a record moves through, the steps allowed from each, and who may take them.

One mechanism for every lifecycle on the platform (deployment requests, enrolments, cases, extraditions):
an illegal step answers 409 naming the allowed next states, a step the caller's roles do not allow
answers 403, and every step taken is kept as a `Transition` on the record. `Workflow.take` stores a step
by compare-and-set, so of two callers moving one record at once the second gets the 409 (ADR 0102).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import marshmallow as ma
import mongoengine as me
from mongoengine.errors import SaveConditionError

from chassis.auth import Principal
from chassis.problems import Forbidden, InvalidTransition


class Transition(me.EmbeddedDocument):
    """One step taken: from which state to which, by whom, when and why."""

    from_state = me.StringField(required=True)
    to_state = me.StringField(required=True)
    actor = me.StringField(required=True)
    actor_tenant = me.StringField(required=True)
    at = me.DateTimeField(required=True)
    comment = me.StringField(max_length=2000)


class TransitionOut(ma.Schema):
    """A `Transition` in API responses."""

    from_state = ma.fields.String()
    to_state = ma.fields.String()
    actor = ma.fields.String()
    actor_tenant = ma.fields.String()
    at = ma.fields.DateTime()
    comment = ma.fields.String()


class Workflow:
    """`steps` maps each state to the states reachable from it and the roles allowed to take that step.

    An empty role set means any authenticated caller (the service then applies its own ownership rule).
    """

    def __init__(self, name: str, steps: Mapping[str, Mapping[str, Iterable[str]]]):
        self.name = name
        self.steps = {state: {target: frozenset(roles) for target, roles in targets.items()}
                      for state, targets in steps.items()}
        unknown = {target for targets in self.steps.values() for target in targets} - set(self.steps)
        if unknown:
            raise ValueError(f"workflow {name!r}: targets without a state entry: {sorted(unknown)}")

    @property
    def states(self) -> list[str]:
        return list(self.steps)

    def allowed_next(self, state: str) -> list[str]:
        return sorted(self.steps.get(state, {}))

    def check(self, current: str, target: str, principal: Principal) -> None:
        """Raise 409 if `target` cannot follow `current`, 403 if `principal` may not take the step."""
        targets = self.steps.get(current, {})
        if target not in targets:
            raise InvalidTransition(current_state=current, requested=target,
                                    allowed_next_states=self.allowed_next(current))
        roles = targets[target]
        if roles and not roles & principal.roles:
            raise Forbidden(f"Moving a {self.name} to '{target}' needs one of the roles {sorted(roles)}")

    def advance(self, current: str, target: str, principal: Principal, comment: str | None = None,
                ) -> Transition:
        """Check the step and return the `Transition` to append to the record's history."""
        self.check(current, target, principal)
        return Transition(from_state=current, to_state=target, actor=principal.sub, actor_tenant=principal.tenant,
                          at=dt.datetime.now(dt.UTC), comment=comment)

    def take(self, record: me.Document, target: str, actor: Principal, comment: str | None = None,
             **changes) -> Transition:
        """Move `record` (a document with `status` and `history`) to `target` and store it, with `changes`
        (field values) and whatever else the caller changed on it, only if it is still in the state it was
        read in (compare-and-set); otherwise answer the 409 a caller reading its new state would get.

        The write is keyed by the record's own id: the caller found the record through its access rules.
        """
        transition = self.advance(record.status, target, actor, comment)
        read_in = record.status
        for field, value in {**changes, "status": target}.items():
            setattr(record, field, value)
        record.history.append(transition)
        try:
            record.save(save_condition={"status": read_in})
        except SaveConditionError:
            stored = type(record)._get_collection().find_one({"_id": record.pk}, {"status": 1})
            current = stored["status"] if stored else read_in
            raise InvalidTransition(current_state=current, requested=target,
                                    allowed_next_states=self.allowed_next(current)) from None
        return transition
