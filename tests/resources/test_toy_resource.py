"""Adding a resource touches only its module and one registry line: a toy registered at run time
is generated into the schema, the Python classes, the docs and the pack's copy of the registry,
served by both doors and guarded by the policy pack."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provider import schema
from provider.emulator import Emulator
from provider.native import AepProvider
from provider.resources import by_token, register, unregister
from provider.testing import Engine, PluginHost, ProviderHost, stack_config
from tests.conftest import ANY_SANDBOX, ROOT

TOKEN = "aep:index:ToyMappingSet"
URN = "urn:pulumi:local::aep-connections::pulumi-python:dynamic/aep:ToyMappingSet::toy"
INPUTS: dict[str, Any] = {
    "schema_id": "https://ns.adobe.com/acme/schemas/toy",
    "mappings": [{"source": "id", "destination": "_acme.id", "source_type": "ATTRIBUTE"}],
    "sandbox_name": "toy",
}
TOY_PLUGIN = """import sys
sys.path.insert(0, {root!r})
import tests.resources.toy  # registers the toy, as a resource module's registry line would
from provider.native import main
main()
"""


@pytest.fixture
def toy() -> Iterator[Any]:
    """The toy registered for this test only (other tests see the six resources)."""
    from tests.resources import toy as module

    register(module.ENTRY)
    try:
        yield module
    finally:
        unregister(TOKEN)


class ToyPluginHost(PluginHost):
    """The native plugin started by a script that imports the toy's module first."""

    script: Path

    def command(self) -> list[str]:
        """``<venv python> <toy plugin script> <engine address>``."""
        return [self.python, str(self.script), self.engine_address]


def test_the_generators_include_a_registered_toy(toy: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Schema, typed Python classes, its docs page, the README table and the pack's registry
    copy are generated for the toy, with no other change."""
    (tmp_path / "README.md").write_text((ROOT / "README.md").read_text())
    for name in ("ROOT", "SCHEMA_FILE", "README", "PYTHON_FILE", "POLICY_REGISTRY_FILE"):
        target = {"ROOT": tmp_path, "SCHEMA_FILE": tmp_path / "schema.json",
                  "README": tmp_path / "README.md", "PYTHON_FILE": tmp_path / "generated.py",
                  "POLICY_REGISTRY_FILE": tmp_path / "policy" / "_registry.py"}[name]
        monkeypatch.setattr(schema, name, target)
    assert schema.main([]) == 0
    package = json.loads((tmp_path / "schema.json").read_text())
    assert package["resources"][TOKEN]["requiredInputs"] == ["schemaId", "mappings"]
    assert "class ToyMappingSetArgs" in (tmp_path / "generated.py").read_text()
    page = (tmp_path / "docs" / "resources" / "ToyMappingSet.md").read_text()
    assert f"Plugin (YAML, TypeScript, Go...): `{TOKEN}`" in page
    assert "docs/resources/ToyMappingSet.md" in (tmp_path / "README.md").read_text()
    assert '"aep:index:ToyMappingSet": "ToyMappingSet"' in (
        tmp_path / "policy" / "_registry.py").read_text()


def test_the_pack_guards_the_toy(toy: Any, tmp_path: Path) -> None:
    """The pack, with the regenerated registry copy, refuses a toy in a sandbox the stack may
    not write to, through both doors' tokens (run as the engine runs it: its own process)."""
    pack = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", pack, ignore=shutil.ignore_patterns("__pycache__"))
    (pack / "_registry.py").write_text(schema.policy_registry())
    probe = (
        "import sys, json\n"
        "from pulumi_policy import ResourceValidationArgs\n"
        "from pulumi_policy.proxy import unknown_checking_proxy\n"
        "import aep_policies\n"
        "policy = next(p for p in aep_policies.POLICIES if p.name == 'allowed-sandboxes')\n"
        "seen = []\n"
        "for t in sys.argv[1:]:\n"
        "    args = ResourceValidationArgs(t, unknown_checking_proxy({'sandbox_name': 'prod'}),\n"
        "        'urn', 'toy', None, None, {'allowedSandboxes': ['dev']})\n"
        "    policy.validate(args, lambda m, u=None: seen.append(m))\n"
        "print(json.dumps(seen))\n")
    entry = by_token(TOKEN)
    assert entry is not None
    done = subprocess.run([sys.executable, "-c", probe, entry.dynamic_token, entry.token],
                          cwd=pack, capture_output=True, text=True, timeout=60, check=True)
    seen = json.loads(done.stdout)
    assert len(seen) == 2
    assert all(m.startswith('[allowed-sandboxes] ToyMappingSet "toy" targets') for m in seen)


def test_the_plugin_door_dispatches_to_the_toy(toy: Any) -> None:
    """The plugin's dispatch is built from the registry: the toy's token has a core."""
    assert AepProvider().core(TOKEN).api is toy.TOY_API


@pytest.mark.parametrize("door", ["dynamic", "plugin"])
def test_both_doors_serve_the_toy(toy: Any, door: str, tmp_path: Path) -> None:
    """Create, refresh and delete a toy through each door's host against the emulator."""
    host: ProviderHost
    if door == "plugin":
        script = tmp_path / "toy_plugin.py"
        script.write_text(TOY_PLUGIN.format(root=str(ROOT)))
        host = ToyPluginHost()
        host.script = script  # type: ignore[attr-defined]
    else:
        host = ProviderHost(ROOT)
    with Emulator(port=0, sandboxes=ANY_SANDBOX) as emu, host:
        host.configure(stack_config(emu, sandbox="toy"), secret_keys=("aep:clientSecret",))
        engine = Engine(host)
        engine.up({URN: INPUTS})
        [mapping_set] = emu.mapping_sets(emu.org_id, "toy")
        assert engine.state[URN].id == mapping_set["id"]
        assert engine.state[URN].outputs["version"] == 0
        engine.destroy()
        assert engine.state == {}
