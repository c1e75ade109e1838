# Day-to-day commands. Shell logic lives in scripts/ (tested by tests/stacks/test_stack_scripts.py).
#
#   make help                  this text (also what `make` alone prints)
#   make up                    deploy the `local` stack against the offline emulator
#   make preview STACK=dev CONFIRM_STACK=dev
#                              preview another stack (your own Pulumi login and secrets); any
#                              stack but `local` runs only when CONFIRM_STACK names it too
#   make refresh|destroy [STACK=... CONFIRM_STACK=...]
#   make emulator              run the emulator in the foreground; `make emulator-stop` stops the
#                              background one `make up` started
#   make test | make lint
#
# Every preview/up/refresh/destroy runs the policy pack (policy/) with that stack's pack config
# (policy/config.<stack>.json); a stack without one is refused. refresh/destroy have no policy
# flags in the Pulumi CLI: they run only after a policy-checked preview passes.
#
# Knobs (environment): EMULATOR_PORT, EMULATOR_STATE, PULUMI_CONFIG_PASSPHRASE, AEP_VENV; see
# scripts/lib.sh.

# Why the stack is read the way it is (not part of `make help`, which prints the block above):
#
# The stack comes from the command line only (`make preview STACK=dev`): a STACK variable in the
# environment is ignored, so a leftover `export STACK=prod` cannot select production. Its value
# reaches the scripts through the environment (AEP_MAKE_STACK), never through a recipe's command
# line, and scripts/stack.sh accepts only [a-z0-9-]+.
#
# make also reads variables from MAKEFLAGS in the environment as if typed on its command line
# (`MAKEFLAGS='STACK=prod' make preview` reports STACK's origin as "command line"), so the stack
# alone cannot be trusted to be deliberate: scripts/stack.sh prints the stack it runs and, for any
# stack but `local`, requires CONFIRM_STACK to name the same stack. CONFIRM_STACK follows STACK's
# rules (command line only, never expanded, passed through AEP_MAKE_CONFIRM_STACK).

# Never exported as is: make would expand the command-line text when exporting it.
unexport STACK CONFIRM_STACK

ifeq ($(origin STACK),command line)
# $(value ...): the text exactly as typed, never expanded by make ($(shell ...) stays text).
export AEP_MAKE_STACK := $(value STACK)
else
ifeq ($(origin STACK),environment)
$(warning STACK=$(value STACK) in the environment is ignored; use `make <target> STACK=<stack>`)
endif
export AEP_MAKE_STACK := local
endif

ifeq ($(origin CONFIRM_STACK),command line)
export AEP_MAKE_CONFIRM_STACK := $(value CONFIRM_STACK)
else
ifeq ($(origin CONFIRM_STACK),environment)
$(warning CONFIRM_STACK in the environment is ignored; use `make <target> STACK=<stack> CONFIRM_STACK=<stack>`)
endif
export AEP_MAKE_CONFIRM_STACK :=
endif

.PHONY: help up preview refresh destroy emulator emulator-stop venv test lint

# `make` alone only prints help: deploying takes a target typed on purpose.
.DEFAULT_GOAL := help

help:
	@sed -n '1,/^$$/{/^#/s/^# \{0,1\}//p;}' $(firstword $(MAKEFILE_LIST))

up preview refresh destroy:
	@CONFIRM_STACK="$$AEP_MAKE_CONFIRM_STACK" scripts/stack.sh $@ "$$AEP_MAKE_STACK"

emulator:
	@scripts/emulator.sh run

emulator-stop:
	@scripts/emulator.sh stop

venv:
	@scripts/dev.sh venv

test:
	@scripts/dev.sh test

lint:
	@scripts/dev.sh lint
