# Two commands matter: `make run` and `make test`. Both set up whatever is missing first.
SHELL := /bin/bash
BIN := .venv/bin
# Nothing about a conversation leaves this machine (Rasa telemetry also enables Sentry).
export RASA_TELEMETRY_ENABLED := false

.PHONY: help setup train run test lint bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: ## create .venv (Python 3.10) and install pinned dependencies when they changed
	@bash scripts/setup.sh

train: setup ## train the model (Rasa skips what did not change)
	$(BIN)/harbor train

run: setup ## set up, train if the data changed, start everything, print the URLs
	$(BIN)/harbor up

test: setup ## set up, train if needed, lint, check the layering, run the whole suite
	$(BIN)/harbor train
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: setup ## ruff, and the import layering (import-linter contracts in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: train ## NLU quality on the held-out split
	$(BIN)/python -m bench.nlu_eval

clean: ## remove trained models, databases and logs (keeps .venv)
	rm -rf bot/models var results .pytest_cache .ruff_cache
