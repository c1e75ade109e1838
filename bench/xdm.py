"""Requests for schema as code: one ``up`` of a field group, a Profile-enabled schema, an
identity and a dataset against the minimum (one create per resource, THREE for the Profile
schema: the schema, its primary identity descriptor, the PATCH enabling Profile; one IMS token
and one tenant lookup, ``GET /stats``, per host process), then a no-op preview (target: zero)."""

from __future__ import annotations

from typing import Any

from bench import noop_preview
from bench.common import configured_host, emulator, timed
from provider.testing import Engine
from provider.testing.engine import Ref, urn_for

# field group 1, Profile schema 3, identity 1, dataset 1, + token + tenant lookup
MINIMUM = 1 + 3 + 1 + 1 + 1 + 1


def schema_stack() -> dict[str, dict[str, Any]]:
    """Field group, Profile schema (wired to it), identity and dataset (wired to the schema)."""
    fg, schema = urn_for("fg", kind="XdmFieldGroup"), urn_for("schema", kind="XdmSchema")
    return {
        fg: {"title": "Bench loyalty", "extends": "profile",
             "fields": [{"name": "crmId", "type": "string"},
                        {"name": "loyalty.points", "type": "integer"}]},
        schema: {"title": "Bench customers", "schema_class": "profile",
                 "field_groups": [Ref(fg, "field_group_id")],
                 "primary_identity": {"field": "crmId", "namespace": "Email"},
                 "profile_enabled": True},
        urn_for("phone", kind="XdmIdentity"): {"schema_id": Ref(schema, "schema_id"),
                                               "field": "loyalty.points", "namespace": "Phone"},
        urn_for("dataset", kind="Dataset"): {"name": "bench customers",
                                             "schema_id": Ref(schema, "schema_id"),
                                             "schema_version": Ref(schema, "content_type"),
                                             "profile_enabled": True},
    }


def measure(door: str = "dynamic") -> dict[str, Any]:
    """One up of the schema stack, then one no-op preview of it."""
    with emulator() as emu, configured_host(emu, door) as host:
        engine = Engine(host)
        emu.clear_requests()
        declared = schema_stack()
        seconds = timed(lambda: engine.up(declared))
        sent = len(emu.requests)
        preview = noop_preview.measure(engine, emu, declared, 1)
        engine.destroy()
    return {"up": {"requests": sent, "minimum": MINIMUM, "meets_minimum": sent == MINIMUM,
                   "seconds": round(seconds, 4)},
            "noop_preview": {"requests": preview["requests"]}}
