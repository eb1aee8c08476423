"""Files the service keeps for itself: a private data directory, and numbered rotation of capped logs."""

from __future__ import annotations

import os
from pathlib import Path


def make_private(directory: Path) -> None:
    """Create `directory` and make it 0700 and what is directly in it 0600 (0700 for folders)."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in (directory, *directory.iterdir()):
        try:
            if path.is_symlink() or path.stat().st_uid != os.geteuid():
                continue
            path.chmod(0o700 if path.is_dir() else 0o600)
        except OSError:  # vanished meanwhile, or not ours to change
            continue


def rotate_numbered(path: Path, backups: int) -> None:
    """Move `path` to `path.1`, `path.1` to `path.2` …, keeping `backups` old files (0: `path` is deleted)."""

    def numbered(number: int) -> Path:
        return path.with_name(f"{path.name}.{number}") if number else path

    numbered(backups + 1).unlink(missing_ok=True)
    for number in range(backups, -1, -1):
        if numbered(number).exists():
            os.replace(numbered(number), numbered(number + 1))
    numbered(backups + 1).unlink(missing_ok=True)
