"""The Rasa server's fast paths (harbor/cli/rasa_fast_paths.py) give Rasa's own answers: action answers
are accepted and rejected as Rasa's check does, with the same message; event names resolve to the same
classes."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.utils.common import all_subclasses

from harbor.cli.rasa_fast_paths import (
    once_checked_validate,
    rasa_resolve_by_type,
    rasa_validate_action_result,
    remembering_resolve_by_type,
)

FAST = once_checked_validate()
ACTION = RemoteAction("action_search_resources", None)

REAL_ANSWERS = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "role", "value": "caregiver", "timestamp": None}],
     "responses": [{"text": "Are you safe right now?", "buttons": [], "custom": {}}]},
    {"events": [{"event": "followup", "name": "action_search_resources"},
                {"event": "active_loop", "name": None}], "responses": []},
    {"events": [{"event": "slot", "name": "known_age", "value": None}], "responses": []},  # a slot cleared
]
BROKEN_ANSWERS = [
    {"events": "not a list"},
    {"events": [{"name": "role"}]},  # no event type
    {"events": [{"event": "slot"}]},  # a slot event without a name
    {"events": [{"event": "slot", "name": "known_age"}]},  # or without a value
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["a bare string"]},
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["event", "name", "value", "events", "responses", "text", "timestamp"]) | st.text(max_size=4),
        inner, max_size=4),
    max_leaves=12)
answers = st.dictionaries(st.sampled_from(["events", "responses"]), json_values, max_size=2) | st.fixed_dictionaries(
    {"events": st.lists(st.fixed_dictionaries({"event": st.sampled_from(["slot", "followup", "bot", "user", "x"])},
                                              optional={"name": json_values, "value": json_values}), max_size=3)})


def outcome(validate: Any, answer: dict[str, Any]) -> tuple[bool, str | None]:
    try:
        return validate(ACTION, answer), None
    except ValidationError as error:
        return False, error.message


def test_real_answers_pass_and_broken_ones_fail_with_rasas_message():
    for answer in REAL_ANSWERS:
        assert outcome(FAST, answer) == outcome(rasa_validate_action_result, answer) == (True, None)
    for answer in BROKEN_ANSWERS:
        fast = outcome(FAST, answer)
        assert fast == outcome(rasa_validate_action_result, answer)
        assert fast[0] is False and "Failed to validate Action server response" in (fast[1] or "")


@settings(max_examples=300, deadline=None)
@given(answers)
def test_any_answer_gets_the_same_verdict_as_rasas_own_check(answer: dict[str, Any]):
    assert outcome(FAST, answer) == outcome(rasa_validate_action_result, answer)


def test_every_event_name_resolves_to_rasas_class_twice_over():
    resolve = remembering_resolve_by_type()
    names = sorted({kind.type_name for kind in all_subclasses(Event)})
    assert "user" in names and "slot" in names
    for _ in range(2):  # the second pass answers from what the first remembered
        for name in names:
            assert resolve(name) is rasa_resolve_by_type(name)


def test_unknown_event_names_get_rasas_default_or_error():
    resolve = remembering_resolve_by_type()
    assert resolve("no_such_event", UserUttered) is UserUttered
    assert resolve("topic") is None
    for attempt in (resolve, rasa_resolve_by_type):
        try:
            attempt("no_such_event")
        except ValueError as error:
            assert "Unknown event name" in str(error)
        else:
            raise AssertionError("an unknown event name without a default must raise")
