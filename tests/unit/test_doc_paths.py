"""No tracked Markdown file names a path of one machine (`/work/...`, `/root/...`).

A reader's clone lives anywhere, so the docs say "the repository root" or `../shared` (the facts and official
text beside it). Deployment paths chosen on purpose, such as `/opt/ocop` in `docs/deployment.md`, are fine.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# `/work/` or `/root/` starting a path: not the tail of a URL or of a longer relative path ("x.org/work/").
MACHINE_PATH = re.compile(r"(?<![\w.~/-])/(?:work|root)/")


def tracked_markdown() -> list[Path]:
    """Markdown files in git (the fresh clone CI tests), or under the root when there is no git checkout."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", "*.md"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        skipped = {"node_modules", "var", "models"}
        return [
            p
            for p in ROOT.rglob("*.md")
            if not any(part.startswith(".") or part in skipped for part in p.relative_to(ROOT).parts)
        ]
    return [ROOT / name for name in listed.split("\0") if name]


def machine_paths(text: str) -> list[tuple[int, str]]:
    """(line number, line) of each line naming a machine path."""
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if MACHINE_PATH.search(line)]


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("- Repo: `/work/main` (in CI a fresh clone)", True),
        ("written from /work/shared/ocop-facts/*.md", True),
        ("run `/root/.local/bin/uv`", True),
        ("`../shared/ocop-facts/*.md` beside the repository", False),
        ("this repository in `/opt/ocop`", False),
        ("see https://example.org/work/guide and docs/root/index", False),
    ],
)
def test_the_check_tells_machine_paths_from_relative_ones(line, flagged):
    assert bool(machine_paths(line)) is flagged


def test_no_markdown_file_names_a_machine_path():
    files = tracked_markdown()
    assert any(p.name == "README.md" for p in files) and (ROOT / "docs" / "contracts.md") in files
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line}"
        for path in files
        if path.is_file()
        for n, line in machine_paths(path.read_text(encoding="utf-8"))
    ]
    assert not found, "machine paths in docs (write them relative to the repository):\n" + "\n".join(found)
