"""Requests for the whole ingestion path: one pipeline's ``up`` against the minimum (one create
per resource, five, plus one IMS token for the host process), and a no-op preview of 20
pipelines (target: zero requests)."""

from __future__ import annotations

from typing import Any

from bench import noop_preview
from bench.common import configured_host, count_kinds, emulator, timed
from provider.testing import Engine
from provider.testing.engine import Ref, urn_for

RESOURCES_PER_PIPELINE = 5
PREVIEW_PIPELINES = 20
SCHEMA_ID = "https://ns.adobe.com/exampletenant/schemas/0123456789abcdef0123456789abcdef"


def pipeline(index: int) -> dict[str, dict[str, Any]]:
    """Pipeline ``index``: base connection, source, target, mapping set, dataflow, wired."""
    def urn(kind: str) -> str:
        return urn_for(f"p{index}-{kind}", kind=kind)

    base, source, target = (urn("DatabricksBaseConnection"), urn("DatabricksSourceConnection"),
                            urn("DataLakeTargetConnection"))
    mapping, flow = urn("MappingSet"), urn("Dataflow")
    return {
        base: {"name": f"sales-{index}", "domain": "https://adb-1.7.azuredatabricks.net",
               "cluster_id": "0123-456789-abcde123", "access_token": "dapi-bench-0000000000",
               "database": "sales"},
        source: {"name": f"orders-{index}", "base_connection_id": Ref(base, "connection_id"),
                 "table_name": "sales.orders"},
        target: {"name": f"lake-{index}", "dataset_id": "5c8c3c555033b814b69f947f",
                 "schema_id": SCHEMA_ID},
        mapping: {"schema_id": SCHEMA_ID, "mappings": [
            {"source": "order_id", "destination": "_x.orderId", "source_type": "ATTRIBUTE"}]},
        flow: {"name": f"flow-{index}", "source_connection_id": Ref(source, "source_connection_id"),
               "target_connection_id": Ref(target, "target_connection_id"),
               "mapping_set_id": Ref(mapping, "mapping_set_id"),
               "mapping_version": Ref(mapping, "version"),
               "delta_column": {"name": "updated_at"},
               "schedule": {"start_time": "2027-01-15T08:00:00Z", "frequency": "hour",
                            "interval": 1}},
    }


def measure(preview_pipelines: int = PREVIEW_PIPELINES, door: str = "dynamic") -> dict[str, Any]:
    """One pipeline's up, then a no-op preview of ``preview_pipelines`` pipelines."""
    with emulator() as emu, configured_host(emu, door) as host:
        engine = Engine(host)
        emu.clear_requests()
        one = pipeline(0)
        seconds = timed(lambda: engine.up(one))
        counts = count_kinds(emu.requests)
        many: dict[str, dict[str, Any]] = {}
        for index in range(preview_pipelines):
            many.update(pipeline(index))
        engine.up(many)
        preview = noop_preview.measure(engine, emu, many, 1)
        engine.destroy()
    sent = sum(counts.values())
    minimum = RESOURCES_PER_PIPELINE + 1
    return {
        "up_one_pipeline": {"requests": sent, "by_kind": counts, "minimum": minimum,
                            "meets_minimum": sent == minimum, "seconds": round(seconds, 4)},
        "noop_preview": {"pipelines": preview_pipelines, "resources": preview["n"],
                         "requests": preview["requests"], "steps": preview["steps"],
                         "seconds": preview["seconds"]},
    }
