#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6.21 supports Python 3.8-3.10 only).
# Order: $OCOP_PYTHON310, python3.10 on PATH, then any 3.10.x known to pyenv.
set -u
works() { [ -n "$1" ] && "$1" -c 'import sys, venv; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }

if [ -n "${OCOP_PYTHON310:-}" ] && works "$OCOP_PYTHON310"; then echo "$OCOP_PYTHON310"; exit 0; fi
candidate=$(command -v python3.10 2>/dev/null || true)
if works "$candidate"; then echo "$candidate"; exit 0; fi
if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -rV); do
        candidate=$(PYENV_VERSION="$version" pyenv which python3.10 2>/dev/null || true)
        if works "$candidate"; then echo "$candidate"; exit 0; fi
    done
fi
cat >&2 <<'MSG'
error: Python 3.10 was not found, and Rasa 3.6.21 needs it (it supports Python 3.8-3.10 only).
Install it, then run the command again, for example:
  pyenv install 3.10.13          # with pyenv
  apt-get install python3.10 python3.10-venv   # on distributions that package it
or point OCOP_PYTHON310 at an existing python3.10 interpreter.
MSG
exit 1
