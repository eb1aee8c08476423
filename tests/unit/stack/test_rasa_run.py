"""How `stack.rasa_run` starts Rasa: the store chosen by the two settings, the API never without a token."""

from __future__ import annotations

import argparse

import pytest

from stack.rasa_run import DEFAULT_ENDPOINTS, SCALE_ENDPOINTS, RasaSettingsError, rasa_invocation

TOKEN = {"OCOP_RASA_TOKEN": "t0k"}
SCALE = {
    **TOKEN,
    "OCOP_DATABASE_URL": "postgresql://ocop:p%40ss@db.internal:5433/ocop",
    "OCOP_REDIS_URL": "redis://:r-pass@cache.internal:6380/2",
}


def option(command: list[str], name: str) -> str | None:
    """The value of ``name`` in ``command``, given as "name value" or "name=value"."""
    if name in command:
        return command[command.index(name) + 1]
    return next((arg.split("=", 1)[1] for arg in command if arg.startswith(f"{name}=")), None)


def test_without_the_settings_rasa_keeps_its_sqlite_tracker_on_loopback():
    command, extra = rasa_invocation("rasa", "m.tar.gz", 5005, TOKEN)
    assert option(command, "--endpoints") == str(DEFAULT_ENDPOINTS) and extra == {}
    assert option(command, "--interface") == "127.0.0.1" and option(command, "--auth-token") == "t0k"


def test_the_two_urls_switch_to_postgresql_and_redis():
    command, extra = rasa_invocation("rasa", "m.tar.gz", 5005, SCALE)
    assert option(command, "--endpoints") == str(SCALE_ENDPOINTS)
    assert extra == {
        "OCOP_DB_HOST": "db.internal",
        "OCOP_DB_PORT": "5433",
        "OCOP_DB_NAME": "ocop",
        "OCOP_DB_USER": "ocop",
        "OCOP_DB_PASSWORD": "p@ss",
        "OCOP_REDIS_HOST": "cache.internal",
        "OCOP_REDIS_PORT": "6380",
        "OCOP_REDIS_DB": "2",
        "OCOP_REDIS_PASSWORD": "r-pass",
    }
    text = SCALE_ENDPOINTS.read_text()
    assert 'dialect: "postgresql"' in text and 'type: "redis"' in text


@pytest.mark.parametrize(
    "env, message",
    [
        ({**TOKEN, "OCOP_DATABASE_URL": SCALE["OCOP_DATABASE_URL"]}, "both"),
        ({**SCALE, "OCOP_DATABASE_URL": "mysql://u@h/db"}, "postgresql://"),
        ({**SCALE, "OCOP_REDIS_URL": "redis://cache:notaport/1"}, "malformed"),
        ({**SCALE, "OCOP_REDIS_URL": "redis://cache:6379/x"}, "number"),
    ],
)
def test_half_or_malformed_settings_are_refused(env, message):
    with pytest.raises(RasaSettingsError, match=message):
        rasa_invocation("rasa", "m.tar.gz", 5005, env)


@pytest.mark.parametrize("interface", ["", "127.0.0.1", "0.0.0.0"])
def test_the_http_api_never_starts_without_its_token_not_even_on_loopback(interface):
    with pytest.raises(RasaSettingsError, match="OCOP_RASA_TOKEN"):
        rasa_invocation("rasa", "m.tar.gz", 5005, {"OCOP_RASA_INTERFACE": interface, "OCOP_RASA_TOKEN": " "})


def test_a_token_lets_the_api_listen_beyond_loopback():
    command, _ = rasa_invocation("rasa", "m.tar.gz", 5005, {"OCOP_RASA_INTERFACE": "0.0.0.0", "OCOP_RASA_TOKEN": "t0k"})
    assert option(command, "--interface") == "0.0.0.0" and option(command, "--auth-token") == "t0k"


def test_a_token_starting_with_a_dash_reaches_rasa_as_the_token():
    """``secrets.token_urlsafe`` starts with "-" about once in 64 launches; Rasa's argparse must still read it."""
    command, _ = rasa_invocation("rasa", "m.tar.gz", 5005, {"OCOP_RASA_TOKEN": "-qmc2vPG-X0R6z"})
    parser = argparse.ArgumentParser()
    parser.add_argument("--auth-token")
    parsed, _ = parser.parse_known_args(command[2:])
    assert parsed.auth_token == "-qmc2vPG-X0R6z"


def test_rasa_starts_with_one_tensorflow_thread_and_the_speedups_unless_told_otherwise(monkeypatch, tmp_path):
    import sys
    import types

    from stack import rasa_run

    seen = []
    fake_main = types.ModuleType("rasa.__main__")
    fake_main.main = lambda: seen.append({v: rasa_run.os.environ.get(v) for v in rasa_run.TF_THREAD_VARIABLES})
    fake_speedups = types.ModuleType("stack.rasa_speedups")
    fake_speedups.apply = lambda: seen.append("speedups")
    monkeypatch.setitem(sys.modules, "rasa.__main__", fake_main)
    monkeypatch.setitem(sys.modules, "stack.rasa_speedups", fake_speedups)
    monkeypatch.setattr("stack.rasa_speedups", fake_speedups, raising=False)
    monkeypatch.setattr(rasa_run.os, "chdir", lambda path: None)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    for variable in rasa_run.TF_THREAD_VARIABLES:  # set first, so the test's own setting is undone afterwards
        monkeypatch.setenv(variable, "")
        monkeypatch.delenv(variable)
    monkeypatch.setenv("OCOP_RASA_TOKEN", "t")
    assert rasa_run.main(["--model", str(tmp_path / "m.tar.gz")]) == 0
    assert seen == ["speedups", {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}]

    seen.clear()
    monkeypatch.setenv("OCOP_RASA_SPEEDUPS", "false")
    monkeypatch.setenv("TF_INTRA_OP_PARALLELISM_THREADS", "2")
    assert rasa_run.main(["--model", str(tmp_path / "m.tar.gz")]) == 0
    assert seen == [{"TF_INTRA_OP_PARALLELISM_THREADS": "2", "TF_INTER_OP_PARALLELISM_THREADS": "1"}]
