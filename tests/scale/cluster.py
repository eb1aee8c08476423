"""N action servers, N Rasa servers and N gateways sharing PostgreSQL and Redis, behind one nginx.

Used by the multi-instance tests and `scripts/bench_scale.py`. nginx listens on one port per kind
(`urls["gateway"]`, `urls["rasa"]`, `urls["actions"]`); Rasa calls the action servers and the
gateways call Rasa through it, so any instance of a kind can stand in for another. Each model is
loaded once per Rasa process; all instances of a kind start in parallel.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from stack.services import ROOT, Service, StackConfig, action_service, free_port, gateway_service, rasa_service
from tests.scale import servers

RASA_TOKEN = "rasa-api-token-Pa55"
# A killed Rasa server's conversation locks expire after this many seconds (Rasa's default is 60).
LOCK_LIFETIME = "8"


@dataclass
class Cluster:
    model: Path
    work_dir: Path
    database_url: str
    redis_url: str
    instances: int = 2
    urls: dict[str, str] = field(default_factory=dict)
    services: dict[str, list[Service]] = field(default_factory=dict)
    nginx: servers.Server | None = None

    def __enter__(self) -> Cluster:
        ports = {kind: [free_port() for _ in range(self.instances)] for kind in ("actions", "rasa", "gateway")}
        self.nginx, self.urls = servers.start_nginx(self.work_dir / "nginx", ports)
        config = StackConfig(
            model=self.model,
            data_dir=self.work_dir,
            gateway_port=int(self.urls["gateway"].rsplit(":", 1)[1]),
            extra_env={
                "OCOP_DATABASE_URL": self.database_url,
                "OCOP_REDIS_URL": self.redis_url,
                "OCOP_RASA_TOKEN": RASA_TOKEN,
                "OCOP_RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "0",  # all the load comes from loopback through nginx
                "OCOP_MAX_INFLIGHT_TURNS": "0",  # the load is measured and killed under, not refused as busy
                "TICKET_LOCK_LIFETIME": LOCK_LIFETIME,
                "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            },
        )
        try:
            # Build the index first (a no-op when fresh), so the action servers only load it.
            subprocess.run(
                [str(config.venvs / "app" / "bin" / "python"), "-m", "knowledge_base", "build"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                timeout=600,
            )
            self._start(
                "actions",
                [action_service(config, port, f"actions-{i}") for i, port in enumerate(ports["actions"])],
                300,
            )
            self._start(
                "rasa",
                [rasa_service(config, port, self.urls["actions"], f"rasa-{i}") for i, port in enumerate(ports["rasa"])],
                600,
            )
            self._start(
                "gateway",
                [
                    gateway_service(config, port, self.urls["rasa"], f"gateway-{i}")
                    for i, port in enumerate(ports["gateway"])
                ],
                120,
            )
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, kind: str, services: list[Service], timeout: float) -> None:
        self.services[kind] = services
        for service in services:
            service.start()
        for service in services:
            service.wait_ready(timeout)

    def rasa_url(self, index: int) -> str:
        """One Rasa server directly (not through nginx)."""
        return self.services["rasa"][index].ready_url.split("/status")[0]

    def stop(self) -> None:
        for kind in ("gateway", "rasa", "actions"):
            for service in self.services.get(kind, []):
                service.stop()
        if self.nginx:
            self.nginx.stop()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
