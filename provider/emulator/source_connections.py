"""``/sourceConnections``: a Databricks table, through a base connection, as a dataflow's source.

``POST /sourceConnections`` with ``{name, description?, baseConnectionId, data: {format:
"tabular"}, params: {tableName, cdcEnabled?, columns?}, connectionSpec: {id, version}}`` answers
201 ``{"id", "etag"}`` + ``Location``. GET (one, as ``{"items": [...]}``, or a page with the
connections' listing rules), PATCH (``If-Match``; ``/name`` and ``/description`` only) and DELETE
(1418-400 while a dataflow uses it) behave as for connections.

Errors: 1100-400 bad shape, unknown params, a ``data.format`` other than ``tabular``, a base
connection that does not exist in the caller's org and sandbox or is of another spec, a
``tableName`` the fake catalogue does not hold (``check_source_table``); 1455-400 a missing
field; 1413-400 a spec that is not a known source spec (the Data Lake spec included); 422 a
missing spec version (``require_version``). Adobe documents neither the Databricks source
spec's required params beyond ``tableName`` nor the codes above: they are choices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from provider.emulator.connections import Caller
from provider.emulator.entity import Clock, EntityService, InUse, name_fields, spec_ref
from provider.emulator.explore import Catalogue
from provider.emulator.problems import FlowError
from provider.emulator.specs import DATABRICKS_SPEC_ID
from provider.emulator.store import ConnectionStore

SOURCE_PARAMS = ("tableName", "cdcEnabled", "columns")
class SourceConnectionService(EntityService):
    """Flow Service source-connection semantics (see the module docstring)."""

    collection = "/sourceConnections"
    kind = "sourceConnections"
    noun = "source connection"

    def __init__(
        self,
        store: ConnectionStore,
        connections: ConnectionStore,
        catalogue: Callable[[], Catalogue],
        in_use: InUse,
        *,
        clock: Clock,
        require_version: bool = True,
        check_source_table: bool = True,
        accept_unquoted_etag: bool = False,
    ) -> None:
        super().__init__(
            store, clock=clock, accept_unquoted_etag=accept_unquoted_etag, in_use=in_use
        )
        self.connections = connections
        self.catalogue = catalogue
        self.require_version = require_version
        self.check_source_table = check_source_table

    def create(self, caller: Caller, body: object) -> dict[str, Any]:
        """Validate and store a source connection; ``{"id", "etag"}``."""
        fields = name_fields(body)
        assert isinstance(body, dict)  # name_fields checked it
        spec = spec_ref(body, (DATABRICKS_SPEC_ID,), require_version=self.require_version)
        base_id = body.get("baseConnectionId")
        if not isinstance(base_id, str) or not base_id:
            raise FlowError("1455-400", 'Missing field "baseConnectionId".')
        base = self.connections.get(caller.scope, base_id)
        if base is None:
            raise FlowError(
                "1100-400",
                f"The base connection {base_id} does not exist in sandbox '{caller.sandbox}'.",
            )
        if base.get("connectionSpec", {}).get("id") != spec["id"]:
            raise FlowError(
                "1100-400",
                f"The base connection {base_id} is not of the connection spec {spec['id']}.",
            )
        data = body.get("data")
        if not isinstance(data, dict) or data.get("format") != "tabular":
            raise FlowError("1100-400", 'The field "data.format" must be "tabular".')
        params = body.get("params")
        if not isinstance(params, dict) or not params.get("tableName"):
            raise FlowError("1455-400", 'Missing field "params.tableName".')
        unknown = sorted(set(params) - set(SOURCE_PARAMS))
        if unknown:
            raise FlowError("1100-400", f"Unknown params {unknown}; known: {list(SOURCE_PARAMS)}.")
        table = params["tableName"]
        if not isinstance(table, str):
            raise FlowError("1100-400", 'The field "params.tableName" must be a string.')
        if "cdcEnabled" in params and not isinstance(params["cdcEnabled"], bool):
            raise FlowError("1100-400", 'The field "params.cdcEnabled" must be a boolean.')
        if self.check_source_table and self.catalogue().table(table) is None:
            raise FlowError("1100-400", f"The table '{table}' was not found in the source.")
        return self.insert(
            caller,
            {
                **fields,
                "baseConnectionId": base_id,
                "data": {"format": "tabular"},
                "params": dict(params),
                "connectionSpec": spec,
                "state": "enabled",
            },
        )

    def view(self, record: dict[str, Any]) -> dict[str, Any]:
        """The source connection with ``inheritedAttributes.baseConnection`` (Adobe's
        ``SourceConnectionMetaInfoDTO``) as the base connection is now."""
        scope = (record["imsOrgId"], record["sandboxName"])
        base = self.connections.get(scope, record.get("baseConnectionId", "")) or {}
        inherited = {"baseConnection": {"id": record.get("baseConnectionId"),
                                        "connectionSpec": base.get("connectionSpec")}}
        return {**record, "inheritedAttributes": inherited}
