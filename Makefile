# Kommune-Kari: `make run` starts Kari, `make test` checks everything. Both set up what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_DETERMINISTIC_OPS := 1
export RASA_TELEMETRY_ENABLED := false

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
# The first Python 3.10 found (Rasa 3.6 supports nothing newer): PATH, then pyenv's versions.
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10; do \
	"$$p" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null && { echo "$$p"; break; }; done)

TRAINING_DATA := data/nlu data/rules.yml data/stories.yml
TRAINING_INPUTS := config.yml domain.yml $(shell find data/nlu -name '*.yml') data/rules.yml data/stories.yml kari/nlu/*.py
# The newest model in models/, as Rasa's commands and `python -m kari run` choose it: a model made by
# a plain `rasa train` counts as trained; `make train` writes models/current.tar.gz.
MODEL := $(or $(shell ls -t models/*.tar.gz 2>/dev/null | head -n 1),models/current.tar.gz)

.PHONY: help install system train kb run run-prod test lint validate stories pytest evaluate audit clean bench bench-profile

help:
	@echo "make run   – set up, train if needed, load the knowledge base and start Kari"
	@echo "make test  – set up, train if needed, validate the data and run every test"
	@echo "make run-prod – the production topology here: PostgreSQL, Redis, nginx, 2 Rasa, 2 action servers"
	@echo "make evaluate – everything measured in one report (results/report.html); fails below a target"
	@echo "make bench – Kari vs the rasa init default bot (about 10 min; not part of make test)"

install: $(VENV)/.installed

# .venv/bin/rasa is Rasa's own command line with this project's test data for `rasa test`
# (kari/rasa_command.py); pip writes Rasa's plain one, so it is replaced after every install.
$(VENV)/.installed: requirements.txt requirements-dev.txt constraints.txt scripts/rasa_entry.py
	@test -n "$(PYTHON310)" || { echo "error: Python 3.10 was not found; install it (pyenv install 3.10.13) and run make again." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-dev.txt -c constraints.txt
	@{ echo "#!$(abspath $(PY))"; cat scripts/rasa_entry.py; } > $(RASA) && chmod +x $(RASA)
	@touch $@

system:
	@scripts/system-packages.sh

train: $(MODEL)

$(MODEL): $(VENV)/.installed $(TRAINING_INPUTS)
	@mkdir -p var/logs
	@echo "Training the model (about a minute) …"
	@$(RASA) train --config config.yml --domain domain.yml --data $(TRAINING_DATA) \
		--out models --fixed-model-name current > var/logs/train.log 2>&1 \
		|| { tail -n 15 var/logs/train.log >&2; echo "error: training failed; the whole log is in var/logs/train.log." >&2; exit 1; }
	@touch models/current.tar.gz

kb: var/kb.stamp

var/kb.stamp: $(VENV)/.installed $(wildcard data/knowledge/*.yml)
	@mkdir -p var
	$(PY) -m kari kb import --dir data/knowledge
	@touch $@

run: install train kb
	@$(PY) -m kari run

# PostgreSQL, Redis, nginx (Debian packages, installed when missing), 2 Rasa instances and 2 action
# servers under supervisord: README, "Production profile". State and logs in var/prod/.
run-prod: install system train
	@$(PY) -m kari prod up

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

validate: install
	$(RASA) data validate --fail-on-warnings --config config.yml --domain domain.yml --data $(TRAINING_DATA)

# End to end (--e2e): each message is parsed, so the intent and the written standard
# ([text]{"entity": "malform", …}) are checked too, not only the actions.
stories: train
	$(RASA) test core --e2e --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/stories

pytest: install system train
	$(PY) -m pytest

test: lint validate stories pytest

evaluate: install train kb
	$(PY) -m kari.evaluation

# Speed, as ratios to Rasa's default bot in the same run (bench/run.py); results in bench/results/.
bench: install train
	@mkdir -p var/bench
	PYTHONWARNINGS=ignore $(PY) -m bench.run

# Where one message's time goes: py-spy flame graphs and a table (bench/PROFILE.md).
bench-profile: install train
	@mkdir -p var/bench
	PYTHONWARNINGS=ignore $(PY) -m bench.profile --write bench/PROFILE.md

audit: install
	scripts/audit.sh

clean:
	rm -rf models var results .pytest_cache
