# Day-to-day commands. Shell logic lives in scripts/ (tested by tests/stacks/test_stack_scripts.py).
#
#   make up                    deploy the `local` stack against the offline emulator
#   make preview STACK=dev     preview another stack (your own Pulumi login and secrets)
#   make refresh|destroy [STACK=...]
#   make emulator              run the emulator in the foreground; `make emulator-stop` stops the
#                              background one `make up` started
#   make test | make lint
#
# Knobs (environment): EMULATOR_PORT, PULUMI_CONFIG_PASSPHRASE, AEP_VENV; see scripts/lib.sh.

STACK ?= local
PYTHON_BIN = $(if $(AEP_VENV),$(AEP_VENV),.venv)/bin/python

.PHONY: up preview refresh destroy emulator emulator-stop venv test lint

up:
	@scripts/stack.sh up $(STACK)

preview:
	@scripts/stack.sh preview $(STACK)

refresh:
	@scripts/stack.sh refresh $(STACK)

destroy:
	@scripts/stack.sh destroy $(STACK)

emulator:
	@scripts/emulator.sh run

emulator-stop:
	@scripts/emulator.sh stop

venv:
	@bash -c 'source scripts/lib.sh && venv_python >/dev/null'

test: venv
	$(PYTHON_BIN) -m pytest

lint: venv
	$(PYTHON_BIN) -m ruff check .
	$(PYTHON_BIN) -m mypy
