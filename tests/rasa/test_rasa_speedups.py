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


# The rule matches, the graph runner and the kept SQLite connection, each against Rasa's own code on the same input.
TURN_PARTS_PROBE = """
import json, random, tempfile
from pathlib import Path
from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.runner.dask import DaskGraphRunner

rasa_rule_keys = RulePolicy._get_possible_keys
rasa_run = DaskGraphRunner.run

from stack import rasa_speedups
rasa_speedups.apply()
out = {}

# Rules and conversations built from a few intents, actions, a form and a slot, as Rasa writes their states.
rng = random.Random(7)
def state():
    s = {"prev_action": {"action_name": rng.choice(["action_listen", "utter_greet", "action_answer_question"])}}
    if rng.random() < 0.8:
        s["user"] = {"intent": rng.choice(["greet", "ask_question", "stop", "affirm"])}
    if rng.random() < 0.3:
        s["active_loop"] = {"name": rng.choice(["self_assessment_form", "should_not_be_set"])}
    if rng.random() < 0.3:
        s["slots"] = {"product_group": (rng.choice([0.0, 1.0]),)}
    return s
lookup = {json.dumps([state() for _ in range(rng.randint(1, 4))], sort_keys=True): f"action_{i}" for i in range(300)}
policy = RulePolicy.__new__(RulePolicy)
same, hits, distinct = True, 0, set()
for _ in range(600):
    states = [state() for _ in range(rng.randint(0, 9))]
    expected = rasa_rule_keys(policy, lookup, states)
    first = policy._get_possible_keys(lookup, states)
    first.add("changed by the caller")
    second = policy._get_possible_keys(lookup, states)
    same = same and first - {"changed by the caller"} == expected == second
    distinct.add(frozenset(expected))
out["rules_same"] = same
out["rules_distinct_answers"] = len(distinct)
out["rules_with_longer_lookup"] = sorted(policy._get_possible_keys({**lookup, '[{"user": {"intent": "x"}}]': "a"}, [{"user": {"intent": "x"}}]))

# A small graph: two inputs, two nodes that add, one that fails.
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.storage.local_model_storage import LocalModelStorage

class Add(GraphComponent):
    @classmethod
    def create(cls, config, model_storage, resource, execution_context):
        return cls()
    def add(self, **values):
        return sum(values.values())
    def fail(self, **values):
        raise ValueError("failed on purpose")

def node(fn, **needs):
    return SchemaNode(needs=needs, uses=Add, constructor_name="create", fn=fn, config={})
schema = GraphSchema({"a": node("add", x="x", y="y"), "b": node("add", a="a", x="x"), "c": node("fail", x="x")})
storage = LocalModelStorage(Path(tempfile.mkdtemp()))
runners = [DaskGraphRunner(schema, storage, ExecutionContext(schema, "probe")) for _ in range(2)]
results = []
for inputs, targets in [({"x": 1, "y": 2}, ["b"]), ({"x": 10, "y": 20}, ["b"]), ({"x": 5, "y": 1}, ["a", "b"])]:
    ours = DaskGraphRunner.run(runners[0], inputs, targets)
    rasas = rasa_run(runners[1], inputs, targets)
    results.append([ours == rasas, ours])
out["graph"] = results
errors = []
for run in (DaskGraphRunner.run, rasa_run):
    try:
        run(runners[0], {"x": 1, "y": 2}, ["c"])
    except Exception as error:
        errors.append(type(error).__name__)
    try:
        run(runners[0], {"x": "a", "y": 2}, ["b"])
    except Exception as error:
        errors.append(type(error).__name__)
out["graph_errors"] = errors

# The SQLite tracker store: one kept connection, and what another store (another Rasa instance) commits is seen.
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
db = str(Path(tempfile.mkdtemp()) / "tracker.db")
stores = [SQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=db) for _ in range(2)]
connects = []
sa.event.listen(stores[0].engine, "connect", lambda *args: connects.append(1))
seen = []
for i in range(3):
    with stores[1].session_scope() as session:
        session.execute(sa.text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('s', 'slot', :t, '{}')"), {"t": i})
        session.commit()
    with stores[0].session_scope() as session:
        seen.append(session.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = 's'")).scalar())
with stores[0].engine.connect() as connection:
    out["journal"] = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
out["sqlite"] = {"connects": len(connects), "seen": seen}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def turn_parts():
    return rasa_probe(TURN_PARTS_PROBE)


def test_remembered_rule_matches_are_the_rules_rasa_finds(turn_parts):
    assert turn_parts["rules_same"] is True
    assert turn_parts["rules_distinct_answers"] > 20  # the conversations reach many different sets of rules
    assert turn_parts["rules_with_longer_lookup"] == ['[{"user": {"intent": "x"}}]']


def test_the_graph_built_once_gives_rasas_results_and_errors(turn_parts):
    assert turn_parts["graph"] == [[True, {"b": 4}], [True, {"b": 40}], [True, {"a": 6, "b": 11}]]
    errors = turn_parts["graph_errors"]
    assert errors[:2] == errors[2:] and len(errors) == 4


def test_the_sqlite_tracker_store_keeps_one_connection_and_sees_other_instances(turn_parts):
    assert turn_parts["sqlite"] == {"connects": 1, "seen": [1, 2, 3]}  # Rasa as shipped: 4 connects
    assert turn_parts["journal"] == "wal"


# The served model loaded as Rasa loads it and as the speed-up does: the same weights, the same parses.
MODEL_LOAD_PROBE = """
import json, sys, time
import numpy as np
import yaml
from rasa.core.agent import Agent
from stack import rasa_speedups

model = sys.argv[1]
texts = [line.strip()[2:] for path in ("tests/nlu/test_nlu.yml", "tests/nlu/test_nlu_nodiacritics.yml")
         for item in yaml.safe_load(open(path, encoding="utf-8"))["nlu"]
         for line in item["examples"].splitlines() if line.strip().startswith("- ")]

def loaded():
    began = time.perf_counter()
    agent = Agent.load(model)
    seconds = time.perf_counter() - began
    diet = next(n._component.model for n in agent.processor.graph_runner._instantiated_nodes.values()
                if type(getattr(n, "_component", None)).__name__ == "DIETClassifier")
    return agent, {w.name: w.numpy() for w in diet.weights}, seconds

async def parses(agent):
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        out.append([parsed["intent"]["name"], round(parsed["intent"]["confidence"], 4),
                    [(e["entity"], e["value"], e["start"], e["end"]) for e in parsed["entities"]]])
    return out

import asyncio
rasas, rasa_weights, rasa_seconds = loaded()
rasa_speedups.apply()
ours, our_weights, our_seconds = loaded()
print(json.dumps({
    "texts": len(texts),
    "weights": sorted(rasa_weights) == sorted(our_weights) and len(our_weights) > 0,
    "same_values": all(np.array_equal(rasa_weights[name], value) for name, value in our_weights.items()),
    "same_parses": asyncio.run(parses(rasas)) == asyncio.run(parses(ours)),
    "entities": sum(bool(p[2]) for p in asyncio.run(parses(ours))),
    "seconds": [rasa_seconds, our_seconds],
}))
"""


def test_the_model_loaded_without_a_training_step_parses_as_rasas_own_load(model_path):
    probe = rasa_probe(f"import sys; sys.argv = ['probe', {str(model_path)!r}]\n" + MODEL_LOAD_PROBE, timeout=600)
    print("model load, Rasa's / ours (s):", probe["seconds"])
    assert probe["texts"] > 400
    assert probe["weights"] is True and probe["same_values"] is True
    assert probe["same_parses"] is True
    assert probe["entities"] > 20  # the entity layer is part of what is compared
