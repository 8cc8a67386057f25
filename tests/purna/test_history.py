"""Who and why in a history row (purna/history.py), and the services' typed fields kept in step with
the sets they are checked against at run time."""

from types import SimpleNamespace
from typing import get_type_hints

import pytest
from django.contrib.auth.models import AnonymousUser

from benefits.services.payouts import CLAIM_FIELDS, ThtClaimFields
from ceremonies.services.events import EVENT_FIELDS, SESSION_FIELDS, EventFields, SessionFields
from employees.models import Employee
from employees.services.cases import DECISION_FIELDS, STEP_FACTS, DecisionFacts, StepInput
from employees.services.register import _NOT_SETTABLE, EmployeeFields
from purna.history import history_note, history_user
from purna.models import User


def test_a_signed_in_actor_and_the_reason_are_noted():
    actor = User(username="operator")
    row = SimpleNamespace()

    history_note(row, actor=actor, reason="check-in")

    assert (row._history_user, row._change_reason) == (actor, "check-in")


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_a_system_action_or_an_anonymous_visitor_is_noted_without_a_user(actor):
    row = SimpleNamespace()

    history_note(row, actor=actor, reason="rsvp")

    assert (row._history_user, history_user(actor)) == (None, None)


def test_no_reason_leaves_the_reason_unset_and_a_long_one_is_cut_to_the_column():
    quiet, long = SimpleNamespace(), SimpleNamespace()

    history_note(quiet, actor=None)
    history_note(long, actor=None, reason="x" * 150)

    assert not hasattr(quiet, "_change_reason")
    assert long._change_reason == "x" * 100


def test_the_typed_fields_are_the_fields_each_service_takes():
    settable = {field.name for field in Employee._meta.concrete_fields} - _NOT_SETTABLE

    assert set(get_type_hints(EmployeeFields)) == settable
    assert set(get_type_hints(EventFields)) == EVENT_FIELDS
    assert set(get_type_hints(SessionFields)) == SESSION_FIELDS
    assert set(get_type_hints(ThtClaimFields)) == CLAIM_FIELDS
    assert set(get_type_hints(DecisionFacts)) == set(DECISION_FIELDS)
    assert set(get_type_hints(StepInput)) == set().union(*STEP_FACTS.values())
