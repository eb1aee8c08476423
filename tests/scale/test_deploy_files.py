"""What an operator relies on in deploy/: replicas with health checks, secrets only from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SECRETS = ("PASSWORD", "TOKEN", "SECRET")


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())["services"]


def test_compose_runs_replicas_of_each_process_with_health_checks():
    services = compose()
    for name in ("gateway", "rasa", "actions"):
        assert "replicas" in services[name]["deploy"], name
    for name in ("postgres", "redis", "gateway", "rasa", "actions", "nginx"):
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["restart"] == "always", name
    published = [name for name, service in services.items() if service.get("ports")]
    assert published == ["nginx"], "only the load balancer is reachable from outside"


def test_secrets_come_from_the_environment_never_from_the_files():
    text = (DEPLOY / "docker-compose.yml").read_text()
    for value in re.findall(r"\$\{(OCOP_[A-Z_]+)([^}]*)\}", text):
        name, rest = value
        if any(word in name for word in SECRETS):
            assert rest in ("", ":-") or rest.startswith(":?"), f"{name} has a default: {rest}"
    for dockerfile in (DEPLOY / "docker").glob("*.Dockerfile"):
        for line in dockerfile.read_text().splitlines():
            if line.startswith(("ENV", "ARG")):
                assert not any(word in line for word in SECRETS), f"{dockerfile.name}: {line}"
    rasa = compose()["rasa"]["environment"]
    assert rasa["OCOP_RASA_INTERFACE"] == "0.0.0.0" and "OCOP_RASA_TOKEN" in rasa


def test_systemd_units_restart_and_stop_the_whole_process_group():
    units = sorted((DEPLOY / "systemd").glob("*.service"))
    assert [u.name for u in units] == ["ocop-actions@.service", "ocop-gateway@.service", "ocop-rasa@.service"]
    for unit in units:
        text = unit.read_text()
        unit_section, service_section = text.split("[Service]")
        assert "Restart=always" in service_section and "KillMode=control-group" in service_section, unit.name
        assert "EnvironmentFile=/etc/ocop/ocop.env" in service_section, unit.name
        # A crash loop ends in a failed unit that says why, not in restarts every few seconds forever.
        limits = dict(re.findall(r"^(StartLimit\w+)=(\d+)$", unit_section, re.M))
        assert int(limits["StartLimitBurst"]) >= 5 and int(limits["StartLimitIntervalSec"]) >= 300, unit.name
        assert "RestartMaxDelaySec=30" in service_section, unit.name
    # stack.rasa_run refuses to start without OCOP_RASA_TOKEN and keeps it off the command line.
    assert "stack.rasa_run" in (DEPLOY / "systemd" / "ocop-rasa@.service").read_text()
    assert re.search(r"^OCOP_RASA_TOKEN=", (DEPLOY / "systemd" / "ocop.env.example").read_text(), re.M)
