#!/usr/bin/env bash
# Train the Rasa model only when its inputs changed (see model_path.sh); keep the two newest models.
set -euo pipefail
cd "$(dirname "$0")/.."
model=$(scripts/model_path.sh)
if [ -f "$model" ]; then
    echo "Rasa model is up to date: $model"
    exit 0
fi
echo "==> Training the Rasa model ($model)"
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONPATH="$PWD"
name=$(basename "$model" .tar.gz)
"${OCOP_VENVS_DIR:-.venvs}/rasa/bin/rasa" train --config config.yml --domain domain.yml --data data --out models --fixed-model-name "$name"
ls -t models/ocop-*.tar.gz | tail -n +3 | xargs -r rm -f
