"""stack/rasa_speedups.py inside the Rasa environment: the patched parts answer exactly as Rasa's own do.

What a user would notice if they did not: an action server answer wrongly accepted or refused, a conversation
read back with the wrong events, an action call failing on a closed connection.
"""

import pytest

from tests.rasa.rasa_cli import rasa_probe

PROBE = """
import asyncio, json
import rasa.shared.utils.common as common
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

def rasa_resolve(name):
    for cls in common.all_subclasses(Event):
        if cls.type_name == name:
            return cls

names = sorted({cls.type_name for cls in common.all_subclasses(Event)})
expected = {name: rasa_resolve(name).__name__ for name in names}

from stack import rasa_speedups
out = {"applied": rasa_speedups.apply(), "applied_twice": rasa_speedups.apply()}
out["same_classes"] = all(Event.resolve_by_type(n).__name__ == expected[n] for n in names for _ in range(2))
out["default"] = Event.resolve_by_type("no such event", default=Event) is Event
try:
    Event.resolve_by_type("no such event")
    out["unknown"] = "no error"
except ValueError as error:
    out["unknown"] = str(error)
events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": "xin chào", "parse_data": {"intent": {"name": "greet"}, "entities": []}}]
out["read_back"] = [type(Event.from_parameters(p)).__name__ for p in events]

action = RemoteAction("action_answer_question", EndpointConfig("http://127.0.0.1:1/webhook"))
good = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "Chào bạn"}]}
out["valid"] = action._validate_action_result(good)
try:
    action._validate_action_result({"events": [{"event": "slot"}], "responses": "not a list"})
    out["invalid"] = "accepted"
except ValidationError as error:
    out["invalid"] = error.message

async def sessions():
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
    async with endpoint.session() as first:
        pass
    async with endpoint.session() as second:
        pass
    kept = first is second and not second.closed
    await second.close()
    async with endpoint.session() as third:
        pass
    return {"kept": kept, "renewed": third is not second and not third.closed}

out["sessions"] = asyncio.run(sessions())
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def probe():
    return rasa_probe(PROBE)


def test_the_speedups_apply_to_the_pinned_rasa_once(probe):
    assert probe["applied"] is True and probe["applied_twice"] is True


def test_events_are_read_back_as_the_same_classes(probe):
    assert probe["same_classes"] is True
    assert probe["read_back"] == ["ActionExecuted", "UserUttered"]
    assert probe["default"] is True
    assert probe["unknown"] == "Unknown event name 'no such event'."


def test_action_server_answers_are_checked_as_rasa_checks_them(probe):
    assert probe["valid"] is True
    assert "Failed to validate Action server response" in probe["invalid"]


def test_the_action_server_session_is_kept_open_and_renewed_when_closed(probe):
    assert probe["sessions"] == {"kept": True, "renewed": True}
