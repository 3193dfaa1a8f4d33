"""Two of Rasa 3.6's per-message costs that buy nothing, found by profiling the Rasa server under load
(bench/load, py-spy). `install()` swaps in versions that give the same answers:

- Every action server answer is checked against a JSON schema with `jsonschema.validate`, which
  first checks the schema itself against the draft 2020-12 meta-schema: about a third of the
  server's CPU, on every action call, for a schema that never changes. Here the schema is checked
  once; every answer is still validated, with the same validator class, the same choice among
  several errors (best_match) and Rasa's own message.
- Every stored event read back is matched to its class by walking all of Event's subclasses
  (`Event.resolve_by_type`); a tracker is hundreds of events. Here a name found once is remembered.

tests/cli/test_rasa_fast_paths.py holds both to Rasa's own answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

# Rasa's own versions, kept so tests can hold the two to the same answers.
rasa_validate_action_result = RemoteAction._validate_action_result
rasa_resolve_by_type = Event.resolve_by_type


def once_checked_validate() -> Callable[[RemoteAction, dict[str, Any]], bool]:
    """A drop-in for `RemoteAction._validate_action_result` whose schema was checked once."""
    schema = RemoteAction.action_response_format_spec()
    kind = validators.validator_for(schema)  # what jsonschema.validate picks
    kind.check_schema(schema)
    validator = kind(schema)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (". Failed to validate Action server response from API, make sure your response "
                              "from the Action endpoint is valid. For more information about the format visit "
                              f"{DOCS_BASE_URL}/custom-actions")
            raise error
        return True

    return validate_action_result


def remembering_resolve_by_type() -> Callable[..., type[Event] | None]:
    """A drop-in for `Event.resolve_by_type` that remembers each class it found. Event classes are
    defined at import, before any message, so the first answer for a name stays the answer."""
    found: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        known = found.get(type_name)
        if known is not None:
            return known
        resolved = rasa_resolve_by_type(type_name, default)
        if resolved is not None and resolved is not default:
            found[type_name] = resolved
        return resolved

    return resolve_by_type


def install() -> None:
    RemoteAction._validate_action_result = once_checked_validate()  # type: ignore[method-assign]
    Event.resolve_by_type = staticmethod(remembering_resolve_by_type())  # type: ignore[method-assign]
