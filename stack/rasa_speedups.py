"""Cheaper Rasa turns: three hot spots of Rasa 3.6.21 that a py-spy profile of a turn showed, done once instead.

`stack.rasa_run` applies them before it starts the server (`OCOP_RASA_SPEEDUPS=false` leaves Rasa as shipped).
Each keeps Rasa's behaviour and only removes repeated work (docs/benchmarks.md has the profile and the figures):
- the action server's answer is checked against Rasa's response schema with a validator compiled once (Rasa
  re-checks the schema itself and rebuilds the validator on every action call: a quarter of a turn's CPU);
- an event's class is found by its type name in a table (Rasa walks every Event subclass, recursively, for
  every event it reads back from the tracker store);
- the action server is called over one kept-alive HTTP session per endpoint and event loop (Rasa opens a new
  aiohttp session, and a new TCP connection, for every call);
- a turn starts from the conversation the previous turn saved, unless the database changed meanwhile
  (`stack.tracker_cache`; Rasa reads and replays the whole session from the database every turn);
- the SQLite tracker store writes ahead (WAL journal: a commit costs a quarter of what the default journal's
  does, with the same durability) and keeps its connection open between queries (SQLAlchemy 1.4 opens and
  closes a SQLite file connection for every session, several times a turn);
- the rule policy remembers which rules match the last few conversation states (Rasa tests every rule against
  the states on each prediction, a tenth of a turn's CPU; only the last states as long as the longest rule can
  change the answer);
- the graph runner builds the part of the graph that a set of targets needs once per set (Rasa walks the
  graph's dependencies twice for each message and each prediction);
- a trained DIET model is loaded for prediction without a training step (Rasa traces and runs one step of
  training, gradients and all, only to create the weights it then overwrites from the file: four fifths of the
  model's load time). The weights are restored as the first prediction creates them, to the same values.
They patch Rasa's internals, so they are applied only to the version they were written for.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from stack import tracker_cache

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"


def apply() -> bool:
    """Patch the running Rasa; False (and a warning) when its version is not the one these were made for."""
    import rasa

    if rasa.__version__ != RASA_VERSION:
        logger.warning("Rasa %s is not %s: running without the speed-ups", rasa.__version__, RASA_VERSION)
        return False
    _compiled_action_response_validation()
    _event_class_table()
    _kept_alive_action_sessions()
    tracker_cache.install()
    _sqlite_write_ahead_log_and_kept_connection()
    _remembered_rule_matches()
    _graph_built_once_per_targets()
    _diet_loaded_without_a_training_step()
    return True


def _applied(function: Any) -> bool:
    """Whether ``function`` is already one of these speed-ups (``apply`` may run more than once)."""
    return getattr(function, "ocop_speedup", False)


def _install(owner: type, name: str, replacement: Any, wrap: Any = None) -> None:
    """``owner.<name> = replacement`` (through ``wrap``: staticmethod, classmethod), marked as a speed-up."""
    replacement.ocop_speedup = True
    setattr(owner, name, wrap(replacement) if wrap else replacement)


def _compiled_action_response_validation() -> None:
    from jsonschema import exceptions, validators
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    if _applied(original):
        return
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if exceptions.best_match(validator.iter_errors(result)) is None:
            return True
        return original(self, result)  # an invalid answer: Rasa's own check raises its own error message

    _install(RemoteAction, "_validate_action_result", _validate_action_result)


def _event_class_table() -> None:
    from rasa.shared.core.events import Event

    original = Event.__dict__["resolve_by_type"].__func__
    if _applied(original):
        return
    table: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        cls = table.get(type_name)
        if cls is not None:
            return cls
        # Rasa's own walk (and its answer for unknown names); the class it finds for a name is kept.
        cls = original(type_name, default)
        if cls is not None and cls is not default:
            table[type_name] = cls
        return cls

    _install(Event, "resolve_by_type", resolve_by_type, staticmethod)


class _KeptSession:
    """`async with` that hands out a shared session and leaves it open."""

    def __init__(self, session: Any) -> None:
        self.session = session

    async def __aenter__(self) -> Any:
        return self.session

    async def __aexit__(self, *exc_info: object) -> bool:
        return False


def _kept_alive_action_sessions() -> None:
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.session
    if _applied(original):
        return
    sessions: dict[tuple[int, int], Any] = {}

    def session(self: EndpointConfig) -> _KeptSession:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop: what Rasa does (the caller owns and closes the session)
            return original(self)
        key = (id(self), id(loop))
        shared = sessions.get(key)
        if shared is None or shared.closed:
            shared = sessions[key] = original(self)
        return _KeptSession(shared)

    _install(EndpointConfig, "session", session)


def _sqlite_write_ahead_log_and_kept_connection() -> None:
    import sqlalchemy as sa
    from rasa.core.tracker_store import SQLTrackerStore

    original = SQLTrackerStore.__init__
    if _applied(original):
        return

    def __init__(self: SQLTrackerStore, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            with self.engine.connect() as connection:  # the journal mode is kept in the file itself
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            # One connection per thread, kept open (the pool SQLAlchemy itself uses for in-memory SQLite); each
            # session still begins and ends its own transaction, so other writers' commits are seen as before.
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.SingletonThreadPool)
            self.sessionmaker.configure(bind=self.engine)

    _install(SQLTrackerStore, "__init__", __init__)


MAX_REMEMBERED_RULE_MATCHES = 4096


def _remembered_rule_matches() -> None:
    import json
    from collections import OrderedDict

    from rasa.core.policies.rule_policy import RulePolicy

    original = RulePolicy._get_possible_keys
    if _applied(original):
        return

    def _get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[Any]) -> set[str]:
        # Rasa's `_is_rule_applicable` accepts every rule at a turn index at or past the rule's own length, so
        # only the last `longest` states decide which rules match.
        memo = self.__dict__.setdefault("_ocop_rule_matches", {})
        entry = memo.get(id(lookup))
        if entry is None or entry[0] is not lookup or entry[1] != len(lookup):
            longest = max((len(self._rule_key_to_state(key)) for key in lookup), default=0)
            entry = memo[id(lookup)] = (lookup, len(lookup), longest, OrderedDict())
        _, _, longest, matches = entry
        try:
            key = json.dumps(states[-longest:] if longest else [], sort_keys=True)
        except (TypeError, ValueError):  # a state JSON cannot hold: Rasa's own walk
            return original(self, lookup, states)
        found = matches.get(key)
        if found is None:
            found = frozenset(original(self, lookup, states))
            matches[key] = found
            if len(matches) > MAX_REMEMBERED_RULE_MATCHES:
                matches.popitem(last=False)
        else:
            matches.move_to_end(key)
        return set(found)

    _install(RulePolicy, "_get_possible_keys", _get_possible_keys)


def _graph_built_once_per_targets() -> None:
    import dask
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    original = DaskGraphRunner.run
    if _applied(original):
        return

    def run(self: DaskGraphRunner, inputs: dict[str, Any] | None = None, targets: list[str] | None = None):
        run_targets = targets if targets else self._graph_schema.target_names
        graphs = self.__dict__.setdefault("_ocop_run_graphs", {})
        graph = graphs.get(tuple(run_targets))
        if graph is None:  # Rasa's own two steps; the schema and the instantiated nodes never change after start
            graph = self._build_dask_graph(self._graph_schema.minimal_graph_schema(run_targets))
            graphs[tuple(run_targets)] = graph
        run_graph = dict(graph)
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        try:
            return dict(dask.get(run_graph, run_targets))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error

    _install(DaskGraphRunner, "run", run)


def _diet_loaded_without_a_training_step() -> None:
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.models import RasaModel

    original = RasaModel.__dict__["load"].__func__
    if _applied(original):
        return

    def load(
        cls: type[RasaModel],
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode or not predict_data_example:  # training goes on: Rasa's own load, optimizer and all
            return original(
                cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
            )
        model = cls(*args, **kwargs)
        config = kwargs.get("config", {})
        model.compile(
            optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=config.get(RUN_EAGERLY)
        )
        # Restored as each weight is created: the prediction below creates every weight a prediction uses. Only
        # the optimizer's state, which a prediction never reads, stays in the file.
        model.load_weights(model_file_name).expect_partial()
        model.run_inference(predict_data_example)
        return model

    _install(RasaModel, "load", load, classmethod)
