"""``/targetConnections``: a Data Lake dataset (with its XDM schema) as a dataflow's target.

``POST /targetConnections`` with ``{name, description?, data: {format?, schema: {id, version?}},
params: {dataSetId}, connectionSpec: {id: "c604ff05-7f1a-43c0-8e18-33bf874cb11c", version}}``
answers 201 ``{"id", "etag"}`` + ``Location``. GET, list, PATCH (``/name``, ``/description``)
and DELETE (1418-400 while a dataflow uses it) as for source connections.

Choices where Adobe is silent: ``params.dataSetId`` must look like a Catalog dataset id (24
lower-case hex digits) or the create is 400 1100-400 ("an invalid dataset id is rejected");
``data.schema.id`` is required and must be an ``https://ns.adobe.com/`` URI;
``data.schema.version`` defaults to ``application/vnd.adobe.xed-full+json;version=1``;
``data.format`` is optional and one of :data:`TARGET_FORMATS` (``delta`` is UNCONFIRMED, so
refused).
"""

from __future__ import annotations

import re
from typing import Any

from provider.emulator.connection_specs import DATA_LAKE_SPEC_ID
from provider.emulator.connections import Caller
from provider.emulator.entity import Clock, EntityService, InUse, name_fields, spec_ref
from provider.emulator.problems import FlowError
from provider.emulator.store import ConnectionStore

DATASET_ID = re.compile(r"^[0-9a-f]{24}$")
SCHEMA_VERSION = "application/vnd.adobe.xed-full+json;version=1"
TARGET_FORMATS = ("parquet_xdm", "json", "delimited")


class TargetConnectionService(EntityService):
    """Flow Service target-connection semantics (see the module docstring)."""

    collection = "/targetConnections"
    kind = "targetConnections"
    noun = "target connection"

    def __init__(
        self,
        store: ConnectionStore,
        in_use: InUse,
        *,
        clock: Clock,
        require_version: bool = True,
        accept_unquoted_etag: bool = False,
    ) -> None:
        super().__init__(
            store, clock=clock, accept_unquoted_etag=accept_unquoted_etag, in_use=in_use
        )
        self.require_version = require_version

    def create(self, caller: Caller, body: object) -> dict[str, Any]:
        """Validate and store a target connection; ``{"id", "etag"}``."""
        fields = name_fields(body)
        assert isinstance(body, dict)  # name_fields checked it
        spec = spec_ref(body, (DATA_LAKE_SPEC_ID,), require_version=self.require_version)
        data = body.get("data")
        schema = data.get("schema") if isinstance(data, dict) else None
        if not isinstance(schema, dict) or not schema.get("id"):
            raise FlowError("1455-400", 'Missing field "data.schema.id".')
        schema_id = schema["id"]
        if not isinstance(schema_id, str) or not schema_id.startswith("https://ns.adobe.com/"):
            raise FlowError("1100-400", f"The schema id {schema_id!r} is not an XDM schema $id.")
        version = schema.get("version") or SCHEMA_VERSION
        if not isinstance(version, str):
            raise FlowError("1100-400", "data.schema.version must be a string.")
        stored_data: dict[str, Any] = {"schema": {"id": schema_id, "version": version}}
        assert isinstance(data, dict)
        if data.get("format") is not None:
            if data["format"] not in TARGET_FORMATS:
                raise FlowError(
                    "1100-400", f"data.format must be one of {', '.join(TARGET_FORMATS)}."
                )
            stored_data["format"] = data["format"]
        params = body.get("params")
        if not isinstance(params, dict) or not params.get("dataSetId"):
            raise FlowError("1455-400", 'Missing field "params.dataSetId".')
        dataset = params["dataSetId"]
        if not isinstance(dataset, str) or not DATASET_ID.match(dataset):
            raise FlowError("1100-400", f"The dataset id {dataset!r} is not valid.")
        return self.insert(
            caller,
            {
                **fields,
                "data": stored_data,
                "params": {"dataSetId": dataset},
                "connectionSpec": spec,
                "state": "enabled",
            },
        )
