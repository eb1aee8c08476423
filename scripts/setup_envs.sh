#!/usr/bin/env bash
# Create or update the two virtual environments:
#   .venvs/rasa  Python 3.10: rasa==3.6.21 and this project (for the custom NLU component)
#   .venvs/app   Python 3.11: everything else (actions, knowledge base, gateway, tests)
# A stamp holding the hash of pyproject.toml and this script makes a re-run a no-op when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."

VENVS=${OCOP_VENVS_DIR:-.venvs}
RASA_VENV="$VENVS/rasa"
APP_VENV="$VENVS/app"
PIP_FLAGS=(--quiet --disable-pip-version-check --no-input)
mkdir -p "$VENVS"
fingerprint=$(cat pyproject.toml scripts/setup_envs.sh | sha256sum | cut -c1-16)

find_python311() {
    local candidate
    for candidate in "${OCOP_PYTHON311:-}" "$(command -v python3.11 2>/dev/null || true)" "$(command -v python3 2>/dev/null || true)"; do
        if [ -n "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; then
            echo "$candidate"; return 0
        fi
    done
    echo "error: Python 3.11 was not found; install it (e.g. 'pyenv install 3.11') or set OCOP_PYTHON311." >&2
    return 1
}

# pip's output goes to a log; on failure its tail is shown.
pip_install() {
    local venv=$1; shift
    if ! "$venv/bin/pip" install "${PIP_FLAGS[@]}" "$@" >>"$VENVS/install.log" 2>&1; then
        echo "error: 'pip install $*' failed in $venv; last lines of $VENVS/install.log:" >&2
        tail -n 30 "$VENVS/install.log" >&2
        exit 1
    fi
}

fresh() { [ -f "$1/.ocop-stamp" ] && [ "$(cat "$1/.ocop-stamp")" = "$fingerprint" ]; }

if ! fresh "$RASA_VENV"; then
    py310=$(scripts/find_python310.sh)
    echo "==> Rasa environment ($RASA_VENV, $("$py310" --version))"
    [ -x "$RASA_VENV/bin/python" ] || "$py310" -m venv "$RASA_VENV"
    pip_install "$RASA_VENV" --upgrade "pip<24.1" wheel
    pip_install "$RASA_VENV" -e ".[rasa]"
    "$RASA_VENV/bin/python" -c "import rasa, rasa_components.vietnamese_tokenizer" \
        || { echo "error: the Rasa environment did not install correctly" >&2; exit 1; }
    echo "$fingerprint" > "$RASA_VENV/.ocop-stamp"
fi

if ! fresh "$APP_VENV"; then
    py311=$(find_python311)
    echo "==> Application environment ($APP_VENV, $("$py311" --version))"
    [ -x "$APP_VENV/bin/python" ] || "$py311" -m venv "$APP_VENV"
    # The local CPU build; any other torch spec would pull several GB of CUDA packages.
    pip_install "$APP_VENV" "torch==2.13.0"
    pip_install "$APP_VENV" -e ".[app,test]"
    "$APP_VENV/bin/python" -c "import rasa_sdk, fastapi, faiss, sentence_transformers, telegram, knowledge_base.textnorm" \
        || { echo "error: the application environment did not install correctly" >&2; exit 1; }
    echo "$fingerprint" > "$APP_VENV/.ocop-stamp"
fi

# Staff dashboard charts: uPlot (MIT, ~50 KB minified, no dependencies), a pinned version from the npm
# registry into a git-ignored folder the gateway serves under /static/vendor/ (never from a CDN).
UPLOT_VERSION=1.6.32
VENDOR=gateway/static/vendor
if ! grep -qs "\"version\": \"$UPLOT_VERSION\"" "$VENDOR/node_modules/uplot/package.json"; then
    command -v npm >/dev/null 2>&1 \
        || { echo "error: npm is needed for the staff dashboard charts (apt-get install nodejs npm)" >&2; exit 1; }
    echo "==> Chart library (uPlot $UPLOT_VERSION, npm)"
    if ! npm install --no-save --no-package-lock --no-audit --no-fund --prefix "$VENDOR" "uplot@$UPLOT_VERSION" \
        >>"$VENVS/install.log" 2>&1; then
        echo "error: 'npm install uplot@$UPLOT_VERSION' failed; last lines of $VENVS/install.log:" >&2
        tail -n 30 "$VENVS/install.log" >&2
        exit 1
    fi
fi
