"""The YAML example run through the native plugin against the emulator: its resources, in the
example's spelling, its ``${resource.output}`` references resolved as the engine resolves them,
from an empty sandbox to a dataflow, at one request per resource."""

from __future__ import annotations

import re
from typing import Any

import yaml

from provider.emulator import Emulator
from provider.resources import by_token
from provider.testing import Engine, PluginHost, stack_config
from provider.testing.engine import Ref
from tests.conftest import ANY_SANDBOX, ROOT

EXAMPLE = ROOT / "examples" / "yaml" / "Pulumi.yaml"
_REF = re.compile(r"^\$\{(\w+)\.(\w+)\}$")


def urn(name: str, token: str) -> str:
    """The URN the engine gives the example's resource ``name``."""
    return f"urn:pulumi:dev::aep-yaml-consumer::{token}::{name}"


def declared(program: dict[str, Any], config: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The example's resources as the plugin host takes them (state names), references to
    other resources' outputs as ``Ref`` and to config as the config's value."""
    tokens = {name: r["type"] for name, r in program["resources"].items()}

    def value(raw: Any) -> Any:
        if isinstance(raw, str):
            found = _REF.match(raw)
            if found and found.group(1) in tokens:
                spec = by_token(tokens[found.group(1)]).spec  # type: ignore[union-attr]
                field = spec.by_schema(found.group(2))
                assert field is not None, raw
                return Ref(urn(found.group(1), tokens[found.group(1)]), field.state)
            return re.sub(r"\$\{(\w+)\}", lambda m: config[m.group(1)], raw)
        if isinstance(raw, list):
            return [value(v) for v in raw]
        if isinstance(raw, dict):
            return {k: value(v) for k, v in raw.items()}
        return raw

    out = {}
    for name, resource in program["resources"].items():
        spec = by_token(resource["type"]).spec  # type: ignore[union-attr]
        props = spec.from_schema({k: value(v) for k, v in resource["properties"].items()})
        out[urn(name, resource["type"])] = props
    return out


def test_the_yaml_example_runs_through_the_plugin_from_an_empty_sandbox() -> None:
    """Field group, schema, dataset, base connection and the pipeline are created in one up,
    one request each (plus one tenant lookup and the adoptExisting lookup), wired from
    outputs; a second preview is a no-op."""
    program = yaml.safe_load(EXAMPLE.read_text())
    resources = declared(program, {"databricksToken": "dapi-example-token"})
    with Emulator(port=0, sandboxes=ANY_SANDBOX) as emu, PluginHost() as host:
        host.configure(stack_config(emu, sandbox="yaml-example"),
                       secret_keys=("aep:clientSecret",))
        engine = Engine(host)
        emu.clear_requests()
        plan = engine.up(resources)
        assert set(plan.steps.values()) == {"create"}, plan
        sent = [r for r in emu.requests if not r.path.startswith("/ims/")]
        lookups = [r for r in sent if r.path.endswith("/stats")]
        assert len(lookups) <= 1
        # The example's base connection sets adoptExisting: its one name lookup comes first.
        adopt = [r for r in sent if r.method == "GET" and r.path.endswith("/connections")]
        assert len(adopt) == 1
        assert len(sent) - len(lookups) - len(adopt) == len(resources)
        schema = next(e for u, e in engine.state.items() if u.endswith("::ordersSchema"))
        [target] = emu.target_connections(emu.org_id, "yaml-example")
        assert target["data"]["schema"]["id"] == schema.outputs["schema_id"]
        emu.clear_requests()
        assert set(engine.preview(resources).steps.values()) == {"same"}
        assert [r for r in emu.requests if not r.path.startswith("/ims/")] == []
