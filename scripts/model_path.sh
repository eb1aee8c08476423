#!/usr/bin/env bash
# Print the path of the Rasa model for the current training inputs. The name carries a hash of
# config.yml, domain.yml, data/ and the custom NLU code, so a changed input means a new model.
set -euo pipefail
cd "$(dirname "$0")/.."
hash=$( { cat config.yml domain.yml; find data rasa_components knowledge_base/textnorm.py knowledge_base/question_kind.py -type f \( -name '*.yml' -o -name '*.py' \) -print0 | sort -z | xargs -0 cat; } | sha256sum | cut -c1-12)
echo "models/ocop-$hash.tar.gz"
