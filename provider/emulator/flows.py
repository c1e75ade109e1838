"""``/flows``: dataflows from source connections to target connections under a flow spec.

``POST /flows`` with ``{name, description?, flowSpec: {id, version}, sourceConnectionIds,
targetConnectionIds, transformations?: [{name: "Copy"|"Mapping", params}], scheduleParams}``
answers 201 ``{"id", "etag"}`` + ``Location``. Referential integrity, as Adobe documents it:

- every source and target connection exists in the caller's org and sandbox, and its connection
  spec is one the flow spec accepts (``sourceConnectionSpecIds`` / ``targetConnectionSpecIds``);
- the flow spec exists (1413-400 otherwise) and ``scheduleParams`` satisfies its ``scheduleSpec``
  (``flow_specs.schedule_problem``); a ``Mapping`` transformation names an existing mapping set
  version of the same sandbox; transformation names are the flow spec's;
- a source or target connection (and the base connection under a source) cannot be deleted
  while a flow uses it: 400 1418-400.

Other errors: 1100-400 (shape, unknown ids, schedule), 1455-400 (missing field), 422 (missing
flow spec version, with ``require_version``).

GET answers ``{"items": [flow]}`` with ``state`` (``enabled`` after create), ``scheduleParams``,
``transformations``, ``inheritedAttributes`` (the source connections with their base connection,
the target connections, as they are now), ``runs`` (a link), ``lastOperation`` and ``etag``.

``options`` (``errorDiagnosticsEnabled``, ``partialIngestionPercent``: the flow spec's
``optionSpec``) are checked by ``flow_specs.options_problem``.

``PATCH /flows/{id}`` (``If-Match``) accepts ``/name``, ``/description``,
``/scheduleParams/{frequency,interval,backfill,startTime}``, ``/transformations/...`` and
``/options...`` (Adobe's partial-ingestion guide); the
result is validated again. ``startTime`` cannot change once it has passed (400 1100-400);
sources, targets and the flow spec cannot change (1455-400). ``POST /flows/{id}/action?op=
enable|disable`` (any case: the spec's enum is upper case, the tutorials lower case) sets
``state``; ``If-Match`` is optional there and checked when sent; other ops are 400. DELETE
answers the emulator's delete status.

Adobe's own behaviours behind ``AdobeShapes`` switches (``adobe.py``): ``missing_flow_1439``
(404 FLOW-1439-404 for a missing flow), ``redundant_action_error`` (1422-400) and
``refuse_state_on_create`` and ``database_flow_requirements`` (checked on create only), all on
by default.
``lastRunDetails`` ``{id, state, startedAtUTC, completedAtUTC}`` is present once the flow has
run (``runs.py``; absent before: the emulator's choice).

Choices where Adobe is silent or contradicts itself (options of ``PipelineOptions``):
``schedule_types`` (default ``spec``) says how ``startTime``, ``interval`` and ``backfill`` read
back, whatever type was sent: as the spec's ``ScheduleSpecDTO`` types them (integer, string,
boolean), all as strings (the tutorials' GET examples), or all typed (``flow_specs.py``);
a Mapping transformation's ``mappingVersion`` reads back as a string, whatever was sent (the
flow spec types it so and Adobe's GET example shows ``"0"``);
``action_bumps_etag`` (default true) gives a flow a new etag when enable/disable changes it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from provider.emulator.adobe import AdobeShapes
from provider.emulator.connections import Caller
from provider.emulator.entity import Clock, EntityService, ReadOnlyService, name_fields
from provider.emulator.flow_specs import normalised_schedule, options_problem, schedule_problem
from provider.emulator.problems import FlowError
from provider.emulator.store import ConnectionStore

ACTIONS = ("enable", "disable")
HasMapping = Callable[[Caller, str, object], bool]
LastRun = Callable[[dict[str, Any]], "dict[str, Any] | None"]
"""The ``lastRunDetails`` of a stored flow, or None before its first run (``runs.py``)."""


class FlowService(EntityService):
    """Flow Service dataflow semantics (see the module docstring)."""

    collection = "/flows"
    kind = "flows"
    patchable = (
        "/name",
        "/description",
        "/scheduleParams/frequency",
        "/scheduleParams/interval",
        "/scheduleParams/backfill",
        "/scheduleParams/startTime",
        "/transformations",
        "/transformations/",
        "/options",
        "/options/",
    )

    def __init__(
        self,
        store: ConnectionStore,
        *,
        sources: ConnectionStore,
        targets: ConnectionStore,
        connections: ConnectionStore,
        flow_specs: ReadOnlyService,
        connection_specs: ReadOnlyService,
        has_mapping: HasMapping,
        clock: Clock,
        require_version: bool = True,
        schedule_types: str = "spec",
        action_bumps_etag: bool = True,
        accept_unquoted_etag: bool = False,
        adobe: AdobeShapes | None = None,
        last_run: LastRun | None = None,
    ) -> None:
        super().__init__(store, clock=clock, accept_unquoted_etag=accept_unquoted_etag)
        self.adobe = adobe or AdobeShapes()
        self.last_run = last_run
        self.sources = sources
        self.targets = targets
        self.connections = connections
        self.flow_specs = flow_specs
        self.connection_specs = connection_specs
        self.has_mapping = has_mapping
        self.require_version = require_version
        self.schedule_types = schedule_types
        self.action_bumps_etag = action_bumps_etag

    # --- create ---------------------------------------------------------------------------------

    def create(self, caller: Caller, body: object) -> dict[str, Any]:
        """Validate and store a dataflow; ``{"id", "etag"}``."""
        fields = name_fields(body)
        assert isinstance(body, dict)  # name_fields checked it
        if "state" in body and self.adobe.refuse_state_on_create:
            raise FlowError(
                "1100-400",
                "The field 'state' cannot be set on create: a new dataflow is enabled by the "
                "service; use POST /flows/{id}/action?op=disable to disable it.",
            )
        spec = self._flow_spec(body.get("flowSpec"))
        record: dict[str, Any] = {
            **fields,
            "flowSpec": {"id": spec["id"], "version": "1.0"},
            "sourceConnectionIds": self._ids(caller, body, "sourceConnectionIds", spec),
            "targetConnectionIds": self._ids(caller, body, "targetConnectionIds", spec),
            "transformations": copy.deepcopy(body.get("transformations") or []),
            "scheduleParams": body.get("scheduleParams"),
        }
        if "options" in body:
            record["options"] = copy.deepcopy(body["options"])
        if record["scheduleParams"] is None:
            raise FlowError("1455-400", 'Missing field "scheduleParams".')
        self._check_flow(caller, record, spec, creating=True)
        record["scheduleParams"] = normalised_schedule(
            record["scheduleParams"], types=self.schedule_types
        )
        stamp = self.stamp()
        record.update(
            state="enabled",
            lastOperation={"started": stamp, "updated": stamp, "operation": "create"},
        )
        created = self.insert(caller, record)
        stored = self.require(caller, created["id"])
        stored["runs"] = f"/runs?property=flowId=={created['id']}"
        self.store.put(caller.scope, stored)
        return created

    # --- hooks ----------------------------------------------------------------------------------

    def view(self, record: dict[str, Any]) -> dict[str, Any]:
        """The flow with ``inheritedAttributes`` computed from the connections as they are now."""
        scope = (record["imsOrgId"], record["sandboxName"])
        sources = []
        for id_ in record.get("sourceConnectionIds", []):
            source = self.sources.get(scope, id_) or {}
            entry: dict[str, Any] = {"id": id_, "connectionSpec": source.get("connectionSpec")}
            base = self.connections.get(scope, source.get("baseConnectionId", ""))
            if base is not None:
                entry["baseConnection"] = {"id": base["id"],
                                           "connectionSpec": base["connectionSpec"]}
            sources.append(entry)
        targets = [
            {"id": id_,
             "connectionSpec": (self.targets.get(scope, id_) or {}).get("connectionSpec")}
            for id_ in record.get("targetConnectionIds", [])
        ]
        view = {
            **record,
            "inheritedAttributes": {"sourceConnections": sources, "targetConnections": targets},
        }
        last = self.last_run(record) if self.last_run is not None else None
        if last is not None:
            view["lastRunDetails"] = last
        return view

    def require(self, caller: Caller, id_: str) -> dict[str, Any]:
        """The stored flow, else 404 (1439-404 with Adobe's body when ``missing_flow_1439``)."""
        if not self.adobe.missing_flow_1439 or self.store.get(caller.scope, id_) is not None:
            return super().require(caller, id_)
        raise FlowError(
            "1439-404",
            f"The requested flows resource {id_} is not found. Verify the resource ID before "
            "trying again.",
            report={"id": id_, "type": "flows"},
        )

    def check_patched(self, caller: Caller, patched: dict[str, Any]) -> None:
        """Validate the patched flow again; ``startTime`` only while it lies in the future."""
        name_fields(patched)
        current = self.require(caller, patched["id"])
        old_start, new_start = (
            str(current["scheduleParams"].get("startTime")),
            str(patched["scheduleParams"].get("startTime")),
        )
        if old_start != new_start and float(old_start) <= self.clock():
            raise FlowError(
                "1100-400", "scheduleParams.startTime cannot be changed once it has passed."
            )
        spec = self.flow_specs.find(patched["flowSpec"]["id"])
        if spec is None:
            raise FlowError("1413-400", "The flow's spec is no longer known.")
        self._check_flow(caller, patched, spec)
        patched["scheduleParams"] = normalised_schedule(
            patched["scheduleParams"], types=self.schedule_types
        )
        stamp = self.stamp()
        patched["lastOperation"] = {"started": stamp, "updated": stamp, "operation": "update"}

    # --- action ---------------------------------------------------------------------------------

    def action(
        self, caller: Caller, id_: str, query: Mapping[str, Sequence[str]], if_match: str | None
    ) -> dict[str, Any]:
        """``op=enable|disable``: set ``state``; ``{"id", "etag"}``."""
        op = (query.get("op") or [""])[-1].lower()
        if op not in ACTIONS:
            raise FlowError(
                "1100-400", f"The operation '{op}' is not supported; use op=enable or op=disable."
            )
        with self.store.locked():
            current = (
                self.require(caller, id_)
                if if_match is None
                else self.require_etag(caller, id_, if_match)
            )
            state = "enabled" if op == "enable" else "disabled"
            if current.get("state") == state and self.adobe.redundant_action_error:
                raise FlowError(
                    "1422-400",
                    f"The action {op} cannot be applied on the current state {state}. Please "
                    "update the action and try again.",
                )
            if current.get("state") == state or not self.action_bumps_etag:
                current["state"] = state
                self.store.put(caller.scope, current)
                return {"id": id_, "etag": current["etag"]}
            stamp = self.stamp()
            current.update(
                state=state, lastOperation={"started": stamp, "updated": stamp, "operation": op}
            )
            return {"id": id_, "etag": self.bump(caller, current)}

    # --- integrity ------------------------------------------------------------------------------

    def using(self, caller: Caller, id_: str, *, through_base: bool = False) -> list[str]:
        """Ids of the caller's flows that use ``id_`` as a source or target connection (or, with
        ``through_base``, as the base connection of one of their source connections)."""
        found = []
        for flow in self.store.all(caller.scope):
            ids = [*flow.get("sourceConnectionIds", []), *flow.get("targetConnectionIds", [])]
            if through_base:
                ids = [
                    (self.sources.get(caller.scope, s) or {}).get("baseConnectionId", "")
                    for s in flow.get("sourceConnectionIds", [])
                ]
            if id_ in ids:
                found.append(flow["id"])
        return found

    # --- checks ---------------------------------------------------------------------------------

    def _flow_spec(self, ref: object) -> dict[str, Any]:
        if not isinstance(ref, dict) or not ref.get("id"):
            raise FlowError("1455-400", 'Missing field "flowSpec.id".')
        spec = self.flow_specs.find(str(ref["id"]))
        if spec is None:
            raise FlowError("1413-400", f"The spec ID '{ref['id']}' provided is invalid.")
        version = ref.get("version")
        if version is None and self.require_version:
            raise FlowError("1100-422", f"flowSpec.version is required for spec info {spec['id']}.")
        if version not in (None, "1.0"):
            raise FlowError("1413-400", f"Version '{version}' of flow spec {spec['id']} not found.")
        return spec

    def _ids(
        self, caller: Caller, body: dict[str, Any], key: str, spec: dict[str, Any]
    ) -> list[str]:
        ids = body.get(key)
        if not isinstance(ids, list) or not ids:
            raise FlowError("1455-400", f'Missing field "{key}": a non-empty array of ids.')
        store = self.sources if key == "sourceConnectionIds" else self.targets
        accepted = spec[
            "sourceConnectionSpecIds" if key == "sourceConnectionIds" else "targetConnectionSpecIds"
        ]
        what = "source" if key == "sourceConnectionIds" else "target"
        for id_ in ids:
            found = store.get(caller.scope, id_) if isinstance(id_, str) else None
            if found is None:
                raise FlowError(
                    "1100-400",
                    f"The {what} connection {id_!r} does not exist in sandbox '{caller.sandbox}'.",
                )
            if found["connectionSpec"]["id"] not in accepted:
                raise FlowError(
                    "1100-400",
                    f"The flow spec {spec['name']} does not accept the {what} connection {id_} "
                    f"(connection spec {found['connectionSpec']['id']}).",
                )
        return list(ids)

    def _check_database_source(self, caller: Caller, record: dict[str, Any]) -> None:
        """A database source needs a Copy deltaColumn and a Mapping (``database_flow_
        requirements``)."""
        categories = set()
        for id_ in record["sourceConnectionIds"]:
            source = self.sources.get(caller.scope, id_) or {}
            spec = self.connection_specs.find(source.get("connectionSpec", {}).get("id", ""))
            categories.add(((spec or {}).get("attributes") or {}).get("category"))
        if "database" not in categories:
            return
        names = {t.get("name"): t.get("params") or {} for t in record["transformations"]
                 if isinstance(t, dict)}
        if "Mapping" not in names or not isinstance(names.get("Copy", {}).get("deltaColumn"),
                                                    dict):
            raise FlowError(
                "1455-400",
                'Missing field "transformations": a dataflow from a database source needs a '
                "Copy transformation with params.deltaColumn and a Mapping transformation.",
            )

    def _check_flow(self, caller: Caller, record: dict[str, Any], spec: dict[str, Any],
                    creating: bool = False) -> None:
        problem = schedule_problem(record["scheduleParams"]) or options_problem(record)
        if problem is not None:
            raise FlowError("1100-400", problem)
        # Adobe's tutorials require them to create a flow; a PATCH of a flow made without them
        # (before the rule) is accepted (the emulator's choice: Adobe documents no PATCH rule).
        if creating and self.adobe.database_flow_requirements and isinstance(
                record.get("transformations"), list):
            self._check_database_source(caller, record)
        names = {t["name"] for t in spec["transformationSpecs"]}
        transformations = record.setdefault("transformations", [])
        if not isinstance(transformations, list):
            raise FlowError("1100-400", "transformations must be an array.")
        for index, item in enumerate(transformations):
            if not isinstance(item, dict) or item.get("name") not in names:
                raise FlowError(
                    "1100-400",
                    f"transformations[{index}].name must be one of {sorted(names)}.",
                )
            params = item.get("params")
            if not isinstance(params, dict):
                raise FlowError("1455-400", f'Missing field "transformations[{index}].params".')
            if item["name"] == "Mapping":
                mapping_id, version = params.get("mappingId"), params.get("mappingVersion")
                if not isinstance(mapping_id, str) or version is None:
                    raise FlowError(
                        "1455-400", "A Mapping transformation needs mappingId and mappingVersion."
                    )
                if not self.has_mapping(caller, mapping_id, version):
                    raise FlowError(
                        "1100-400",
                        f"Mapping set {mapping_id} version {version} does not exist in sandbox "
                        f"'{caller.sandbox}'.",
                    )
                # The flow spec types mappingVersion as a string and Adobe's GET example reads
                # back "0" for a flow created with 0 (update-dataflows.md).
                params["mappingVersion"] = str(version)
            if item["name"] == "Copy":
                delta = params.get("deltaColumn")
                if delta is not None and (
                    not isinstance(delta, dict) or not isinstance(delta.get("name"), str)
                ):
                    raise FlowError("1100-400", "deltaColumn needs a string name.")
