# OCOP advisor — one entry point for setup, training, running and testing.
#   make run    start the whole assistant on loopback (sets everything up first)
#   make test   run the whole test suite (what CI runs)
SHELL := /bin/bash
# OCOP_VENVS_DIR (in the environment) moves the two virtual environments; default .venvs.
VENVS := $(or $(OCOP_VENVS_DIR),.venvs)
APP := $(VENVS)/app/bin
RASA := $(VENVS)/rasa/bin
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PYTHONPATH := $(CURDIR)

.PHONY: install train index run chat test test-python lint validate bench eval clean clean-state help

help:
	@echo "make run      start the assistant (web chat URL printed); Ctrl-C stops it"
	@echo "make test     run the whole test suite"
	@echo "make test-python  the tests that need no trained model, browser or running stack"
	@echo "make chat     chat in the terminal with the running assistant (like rasa shell)"
	@echo "make install  create/update the two Python environments"
	@echo "make train    train the Rasa model if its inputs changed"
	@echo "make index    build the knowledge-base index if documents or settings changed"
	@echo "make lint     ruff check and format check (fast)"
	@echo "make validate rasa data validate"
	@echo "make bench    print benchmark figures (see docs/benchmarks.md)"
	@echo "make eval     score the running assistant's replies on tests/answers (SPLIT=tune|holdout|all)"
	@echo "make clean    delete build outputs (models/, results/, the kb index in var/, caches); keeps state"
	@echo "make clean-state  delete var/ (conversations, message log, Zalo tokens); asks first (CONFIRM=yes)"

install:
	@scripts/setup_envs.sh

train: install
	@scripts/train.sh

index: install
	@$(APP)/python -m knowledge_base build

run: train index
	@$(APP)/python -m stack.launcher --model "$$(scripts/model_path.sh)"

chat: install
	@$(APP)/python -m stack.terminal_chat

lint: install
	$(APP)/ruff check .
	$(APP)/ruff format --check .

validate: install
	$(RASA)/rasa data validate --config config.yml --domain domain.yml --data data

# Everything runs under pytest (including rasa data validate, rasa test nlu/core and the
# end-to-end tests), so one summary line closes the run.
test: train index
	$(APP)/pytest -p no:cacheprovider -ra $(PYTEST_ARGS)

# What runs on a fresh `make install`: no trained model, no built index, no Chromium needed.
test-python: install
	$(APP)/pytest -p no:cacheprovider -ra -m "not e2e and not browser and not rasa_model" $(PYTEST_ARGS)

bench: train index
	$(APP)/python scripts/bench_rasa.py
	$(APP)/python scripts/bench_turn.py --concurrency 8 --profile 15
	$(APP)/python scripts/bench_retrieval.py
	$(APP)/python scripts/bench_gateway.py

# Answer-level evaluation through the running assistant (`make run` in another terminal).
eval: install
	$(APP)/python scripts/eval_answers.py --split $(or $(SPLIT),all)

# Build outputs only: everything here is rebuilt by `make train` / `make index`. State in var/ (the tracker,
# the message log and its key, the single-use Zalo refresh token, logs) is left alone: see clean-state.
clean:
	rm -rf models results .pytest_cache .ruff_cache var/kb_index var/kb_index.* var/.kb_index-*

# Deletes the assistant's state in var/. Asks first; without a terminal it refuses unless CONFIRM=yes.
clean-state:
	@if [ "$(CONFIRM)" != yes ]; then \
	  if [ ! -t 0 ]; then \
	    echo "make clean-state deletes var/ (conversations, message log, Zalo tokens) and needs confirmation:" \
	      "run it in a terminal or as 'make clean-state CONFIRM=yes'. Nothing deleted." >&2; exit 1; \
	  fi; \
	  read -r -p "Delete var/ (conversations, message log, the Zalo refresh token cannot be recovered)? Type yes: " \
	    answer; \
	  if [ "$$answer" != yes ]; then echo "Nothing deleted."; exit 1; fi; \
	fi
	rm -rf var
