"""A small stand-in for the Pulumi engine's step logic over a ``ProviderHost``.

It keeps state the way the engine does (per URN: id, inputs, outputs) and turns a declared set of
resources into the same sequence of provider calls that ``pulumi preview``, ``pulumi up``,
``pulumi refresh`` and ``pulumi destroy`` make:

- preview: Check, then Diff for existing resources; no Create or Update.
- up: Check (olds = old inputs), then Create for new resources; Diff (olds = old outputs) for
  existing ones, then Update, or Create-then-Delete on a replace; Delete for resources no longer
  declared.
- refresh: Read (properties = outputs, inputs = inputs); an empty id drops the resource.
- destroy: Delete (properties = outputs) for every resource.

It does not model dependencies, parallelism between resources, or the engine's own diff of
``__provider`` when a provider answers DIFF_UNKNOWN (ours never does).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pulumi.runtime.proto import provider_pb2

from provider.lifecycle import UNKNOWN
from provider.testing.host import HostError, ProviderHost

TYPE = "pulumi-python:dynamic/aep:DatabricksBaseConnection"


def urn_for(name: str, stack: str = "local", project: str = "aep-connections",
            kind: str = "DatabricksBaseConnection") -> str:
    """The URN the engine gives a resource of type ``kind`` (default
    ``DatabricksBaseConnection``) named ``name``."""
    return f"urn:pulumi:{stack}::{project}::pulumi-python:dynamic/aep:{kind}::{name}"


@dataclasses.dataclass(frozen=True)
class Ref:
    """An input wired from another resource's output (``Ref(urn, "connection_id")``): the
    output once that resource is in state, unknown before (as the engine previews it). Wiring
    also makes the dependency: resources are declared in dependency order, and destroy runs in
    reverse."""

    urn: str
    output: str


@dataclasses.dataclass
class Entry:
    """One resource in state."""

    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclasses.dataclass
class Plan:
    """What one preview or up did, per URN: ``create``, ``update``, ``replace``, ``same``,
    ``delete``; and the check failures that stopped it."""

    steps: dict[str, str] = dataclasses.field(default_factory=dict)
    failures: dict[str, list[tuple[str, str]]] = dataclasses.field(default_factory=dict)


class Engine:
    """Engine-like state over one provider host."""

    def __init__(self, host: ProviderHost, provider_blob: str | None = None) -> None:
        self.host = host
        self.provider_blob = provider_blob or host.provider_blob()
        self._fixed_blob = provider_blob is not None
        self.state: dict[str, Entry] = {}
        self.replaced: list[tuple[str, Entry]] = []

    def declare(self, props: Mapping[str, Any], urn: str = "") -> dict[str, Any]:
        """Program-side inputs: the props (``Ref`` resolved) plus ``__provider`` (dynamic door
        only), ``None`` values dropped."""
        inputs = {k: self._resolve(v) for k, v in props.items() if v is not None}
        blob = (self.host.provider_blob(urn) if urn and not self._fixed_blob
                else self.provider_blob)
        if blob:
            inputs["__provider"] = blob
        return inputs

    def _resolve(self, value: Any) -> Any:
        """``value`` with every ``Ref`` in it (nested ones too) resolved, or UNKNOWN."""
        if isinstance(value, Ref):
            entry = self.state.get(value.urn)
            found = entry.outputs.get(value.output) if entry else None
            return UNKNOWN if found is None else found
        if isinstance(value, Mapping):
            return {k: self._resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve(v) for v in value]
        return value

    def check(self, urn: str, props: Mapping[str, Any]) -> tuple[dict[str, Any],
                                                                 list[tuple[str, str]]]:
        """Check the declared props against the old inputs in state."""
        old = self.state.get(urn)
        return self.host.check(urn, old.inputs if old else {}, self.declare(props, urn))

    def preview(self, declared: Mapping[str, Mapping[str, Any]]) -> Plan:
        """Check and Diff every declared resource; no changes are made."""
        return self._run(declared, apply=False)

    def up(self, declared: Mapping[str, Mapping[str, Any]], *, prune: bool = True) -> Plan:
        """Bring state to ``declared`` (URN -> props); stops before any change on a check
        failure. With ``prune``, resources no longer declared are deleted."""
        plan = self._run(declared, apply=True)
        # Replaced resources are deleted after every step, dependents first (as the engine
        # deletes them once nothing uses them any more).
        for urn, entry in reversed(self.replaced):
            self.host.delete(entry.id, urn, entry.outputs)
        self.replaced.clear()
        if prune and not plan.failures:
            for urn in reversed([u for u in self.state if u not in declared]):
                self.delete(urn)
                plan.steps[urn] = "delete"
        return plan

    def _run(self, declared: Mapping[str, Mapping[str, Any]], *, apply: bool) -> Plan:
        plan = Plan()
        checked: dict[str, dict[str, Any]] = {}
        for urn, props in declared.items():
            inputs, failures = self.check(urn, props)
            if failures:
                plan.failures[urn] = failures
            checked[urn] = inputs
        if plan.failures:
            return plan
        for urn, inputs in checked.items():
            if apply and _wired(declared[urn]):
                # Checked again once the outputs it is wired from are known (as the engine
                # checks a resource when the program registers it, after its dependencies).
                inputs, failures = self.check(urn, declared[urn])
                if failures:
                    plan.failures[urn] = failures
                    return plan
            plan.steps[urn] = self._step(urn, inputs, apply=apply)
        return plan

    def _step(self, urn: str, inputs: dict[str, Any], *, apply: bool) -> str:
        old = self.state.get(urn)
        if old is None:
            if apply:
                id_, outs = self._create(urn, inputs)
                self.state[urn] = Entry(id_, inputs, outs)
            return "create"
        diff = self.host.diff(old.id, urn, old.outputs, inputs)
        if diff.changes == provider_pb2.DiffResponse.DIFF_NONE:
            if apply:
                old.inputs = inputs
            return "same"
        if list(diff.replaces):
            if apply:
                id_, outs = self._create(urn, inputs)
                self.replaced.append((urn, old))
                self.state[urn] = Entry(id_, inputs, outs)
            return "replace"
        if apply:
            outs = self.host.update(old.id, urn, old.outputs, inputs)
            self.state[urn] = Entry(old.id, inputs, outs)
        return "update"

    def _create(self, urn: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """Create; on a partial failure the id and properties go to state (as the engine keeps
        them) before the error stops the run."""
        try:
            return self.host.create(urn, inputs)
        except HostError as error:
            if error.kept is not None:
                self.state[urn] = Entry(error.kept[0], inputs, error.kept[1])
            raise

    def refresh(self, urn: str | None = None) -> dict[str, str]:
        """Read each resource (or one); returns URN -> ``same``/``changed``/``gone``."""
        result: dict[str, str] = {}
        for key in [urn] if urn else list(self.state):
            entry = self.state[key]
            id_, outs, inputs = self.host.read(entry.id, key, entry.outputs, entry.inputs)
            if not id_:
                del self.state[key]
                result[key] = "gone"
                continue
            changed = outs != entry.outputs or (inputs and inputs != entry.inputs)
            self.state[key] = Entry(id_, inputs or entry.inputs, outs)
            result[key] = "changed" if changed else "same"
        return result

    def delete(self, urn: str) -> None:
        """Delete one resource and drop it from state (kept in state if Delete fails)."""
        entry = self.state[urn]
        self.host.delete(entry.id, urn, entry.outputs)
        del self.state[urn]

    def destroy(self) -> None:
        """Delete every resource in state."""
        for urn in reversed(list(self.state)):
            self.delete(urn)


def _wired(value: Any) -> bool:
    """Whether ``value`` holds a ``Ref`` anywhere (a nested mapping's source, say)."""
    if isinstance(value, Ref):
        return True
    if isinstance(value, Mapping):
        return any(_wired(v) for v in value.values())
    return isinstance(value, list) and any(_wired(v) for v in value)
