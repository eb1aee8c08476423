"""Settings of the dev stack (`make run`, `make chat`), loaded like every process's (`OcopSettings`).

The children read their own settings (`gateway.settings`, `knowledge_base.settings`) from the same
environment and `.env`; the Rasa server, which runs in the Rasa environment without pydantic-settings,
is configured by `stack.rasa_run`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from knowledge_base.settings import REPO_ROOT, OcopSettings, resolve_path


class StackSettings(OcopSettings):
    """Where the environments and the state are, and the loopback ports of the three processes."""

    # The two virtual environments (`rasa/` and `app/`), built by scripts/setup_envs.sh.
    venvs_dir: Path = REPO_ROOT / ".venvs"
    data_dir: Path = REPO_ROOT / "var"
    rasa_port: int = Field(default=5005, gt=0, lt=65536)
    action_port: int = Field(default=5055, gt=0, lt=65536)
    gateway_port: int = Field(default=8000, gt=0, lt=65536)
    # The Rasa server `make chat` talks to; empty: the local one on OCOP_RASA_PORT.
    rasa_url: str = ""
    rasa_token: str = Field(default="", repr=False)
    # Public address of the gateway; empty: the local gateway (links sent by the actions).
    public_base_url: str = ""

    @field_validator("venvs_dir", "data_dir")
    @classmethod
    def _from_repo_root(cls, value: Path) -> Path:
        return resolve_path(value)

    @property
    def chat_rasa_url(self) -> str:
        return (self.rasa_url or f"http://127.0.0.1:{self.rasa_port}").rstrip("/")
