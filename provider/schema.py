"""The one generator: the plugin's Pulumi package schema, the docs, the dynamic door's typed
Python classes and the policy pack's copy of the registry, from ``provider.resources.REGISTRY``.

``package_schema()`` is what the plugin answers to ``GetSchema``; ``resource_page()`` is a
resource's property page (``docs/resources/<Name>.md``) and ``fields_markdown()`` the README's
resources table linking to them; ``provider.codegen.python_module()`` is ``provider/generated.py``
(the Args dataclasses, keyword-input TypedDicts and output annotations) and
``provider.codegen.policy_registry()`` is ``policy/_registry.py``. All are generated from the
registry's field tables and ``provider.settings`` (provider configuration), never written by
hand. The committed copies (``plugin/schema.json``, the pages, the README block between the
``generated: fields`` markers, ``provider/generated.py``, ``policy/_registry.py``) are rewritten
by::

    python -m provider.schema            # rewrite
    python -m provider.schema --check    # exit 1 if a committed copy is stale (CI, tests)

Pure: no Pulumi import, no network.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from provider.codegen import policy_registry, policy_rules, python_module
from provider.fields import Field, ResourceSpec
from provider.functions import FUNCTIONS
from provider.resources import Registered, registry, specs
from provider.settings import ALLOW_INSECURE_HTTP, KEYS, NOT_FOUND_MEANS_GONE, TUNING

PACKAGE = "aep"
PACKAGE_VERSION = "0.2.0"
ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "plugin" / "schema.json"
README = ROOT / "README.md"
PYTHON_FILE = ROOT / "provider" / "generated.py"
POLICY_REGISTRY_FILE = ROOT / "policy" / "_registry.py"
PAGES = "docs/resources"  # one generated property page per resource, under ROOT
BEGIN = "<!-- BEGIN generated: fields (python -m provider.schema) -->"
END = "<!-- END generated: fields -->"

# What each provider setting means (settings.KEYS and settings.TUNING say where it is read).
CONFIG_DESCRIPTIONS: dict[str, str] = {
    "client_id": "The client id (API key) of the Adobe Developer Console OAuth server-to-server "
                 "credential.",
    "client_secret": "The client secret of that credential.",
    "org_id": "The IMS organization id, e.g. `ABCDEF1234567890ABCDEF12@AdobeOrg`.",
    "scopes": "The OAuth scopes requested from IMS, comma-separated.",
    "access_token": "A pre-issued IMS access token, used instead of a client secret.",
    "platform_url": "The AEP API base URL (https; http only for the local emulator).",
    "ims_url": "The Adobe IMS base URL (https; http only for the local emulator).",
    "sandbox_name": "The default AEP sandbox of the provider's connections, and the one "
                    "`pulumi import` reads in.",
    "tenant_id": "The org's Schema Registry tenant id (custom XDM fields live under "
                 "`_<tenantId>`); unset, it is read once per provider process from "
                 "`GET /data/foundation/schemaregistry/stats`.",
    "retry_attempts": "Tries per HTTP call (429, 5xx and transport failures are retried).",
    "retry_max_seconds": "Time budget of one call's retries, in seconds.",
    "retry_base_delay": "First backoff delay in seconds (Retry-After wins).",
    "timeout_seconds": "Total deadline of each HTTP attempt (connect, headers, body), in "
                       "seconds.",
    "max_concurrency": "Operations the native plugin runs at once; the engine's "
                       "`--parallel` is capped by it.",
}
SECRET_CONFIG = ("client_secret", "access_token")


def config_key(field: str) -> str:
    """The schema (and `pulumi config`) name of a provider setting, without the namespace."""
    entry = KEYS.get(field) or TUNING[field]
    return entry[0].split(":", 1)[1]


def _config_properties() -> dict[str, Any]:
    props: dict[str, Any] = {}
    for field in (*KEYS, *TUNING):
        env = (KEYS.get(field) or TUNING[field])[1]
        spec: dict[str, Any] = {"type": "string", "description": CONFIG_DESCRIPTIONS[field],
                                "defaultInfo": {"environment": [env]}}
        if field in TUNING:
            default = TUNING[field][2]
            spec["type"] = "integer" if isinstance(default, int) else "number"
            spec["default"] = default
        if field in SECRET_CONFIG:
            spec["secret"] = True
        props[config_key(field)] = spec
    key, env = ALLOW_INSECURE_HTTP
    props[key.split(":", 1)[1]] = {
        "type": "boolean", "default": False, "defaultInfo": {"environment": [env]},
        "description": "Let credentials other than the emulator's demo ones use a loopback "
                       "`http://` URL (test rigs only: they travel unencrypted)."}
    key, env = NOT_FOUND_MEANS_GONE
    props[key.split(":", 1)[1]] = {
        "type": "boolean", "default": False, "defaultInfo": {"environment": [env]},
        "description": "Take Flow Service's code 1439 (deleted, or hidden by access labels) as "
                       "proof of deletion: refresh drops the resource and delete completes with "
                       "a warning. Default false: refresh keeps it and delete fails, since a "
                       "hidden dataflow may still be running."}
    return props


def _type_token(field: Field) -> str:
    return f"{PACKAGE}:index:{field.type_name}"


def _shape(field: Field) -> dict[str, Any]:
    """The schema type of ``field``: plain, a ``$ref`` to an object type, an array, a map."""
    if field.type == "object":
        return {"$ref": f"#/types/{_type_token(field)}"}
    if field.type == "array":
        inner = {"$ref": f"#/types/{_type_token(field)}"} if field.items else {"type": "string"}
        return {"type": "array", "items": inner}
    if field.type == "map":
        return {"type": "object", "additionalProperties": {"type": "string"}}
    return {"type": field.type}


def _property(field: Field) -> dict[str, Any]:
    spec: dict[str, Any] = {**_shape(field), "description": field.description}
    if field.value_default is not None:
        spec["default"] = field.value_default
    if field.secret:
        spec["secret"] = True
    if field.replace:
        spec["replaceOnChanges"] = True
    return spec


def _resource(spec: ResourceSpec) -> dict[str, Any]:
    required_inputs = [f.schema for f in spec.inputs if f.required]
    required = required_inputs + [f.schema for f in spec.inputs if f.default] + [
        spec.by_state(spec.id_field).schema] + (  # type: ignore[union-attr]
        ["etag"] if spec.by_state("etag") else [])
    return {
        "description": spec.description,
        "properties": {f.schema: _property(f) for f in spec.fields},
        "required": required,
        "inputProperties": {f.schema: _property(f) for f in spec.inputs},
        "requiredInputs": required_inputs,
    }


def _types() -> dict[str, Any]:
    """The object types the resources' and functions' object and array-of-object fields refer
    to (nested ones too)."""
    types: dict[str, Any] = {}
    pending = [f for spec in (*specs(), *(fn.spec for fn in FUNCTIONS)) for f in spec.fields]
    while pending:
        field = pending.pop(0)
        if field.items and _type_token(field) not in types:
            types[_type_token(field)] = {
                "type": "object", "description": field.description,
                "properties": {f.schema: _property(f) for f in field.items},
                "required": [f.schema for f in field.items if f.required],
            }
            pending.extend(field.items)
    return types


def _function(spec: ResourceSpec) -> dict[str, Any]:
    """A function's schema: its arguments (``inputs``) and its answer (``outputs``)."""
    def shape(fields: Sequence[Field], required: Sequence[Field]) -> dict[str, Any]:
        return {"properties": {f.schema: _property(f) for f in fields},
                "required": [f.schema for f in required], "type": "object"}

    return {"description": spec.description,
            "inputs": shape(spec.inputs, [f for f in spec.inputs if f.required]),
            "outputs": shape(spec.outputs, spec.outputs)}


def package_schema() -> dict[str, Any]:
    """The complete Pulumi package schema of the ``aep`` plugin."""
    config = _config_properties()
    return {
        "name": PACKAGE,
        "displayName": "Adobe Experience Platform connections",
        "version": PACKAGE_VERSION,
        "description": "Adobe Experience Platform Flow Service connections (Databricks), "
                       "served by the aep-connections native provider plugin.",
        "keywords": ["adobe", "aep", "flow-service", "databricks", "category/data"],
        "license": "Apache-2.0",
        "meta": {"moduleFormat": "(.*)"},
        "config": {"variables": config},
        "provider": {
            "description": "The aep provider: credentials, endpoints, default sandbox, retries.",
            "inputProperties": config,
        },
        "types": _types(),
        "resources": {spec.token: _resource(spec) for spec in specs()},
        "functions": {fn.token: _function(fn.spec) for fn in FUNCTIONS},
    }


def schema_text() -> str:
    """The schema as committed in ``plugin/schema.json``."""
    return json.dumps(package_schema(), indent=2, sort_keys=False) + "\n"


def page_path(spec: ResourceSpec) -> Path:
    """Where the property page of ``spec`` is committed: ``docs/resources/<Name>.md``."""
    return ROOT / PAGES / f"{spec.name}.md"


def resource_page(entry: Registered) -> str:
    """The generated page of one resource: what it is, its tokens and its property table."""
    spec = entry.spec
    module = entry.provider.partition(":")[0]
    lines = [
        f"# {spec.name}", "",
        "<!-- GENERATED by `python -m provider.schema` from `provider.resources.REGISTRY`: "
        "do not edit -->", "",
        spec.description, "",
        f"- Plugin (YAML, TypeScript, Go...): `{spec.token}`",
        f"- Python: `{module}.{spec.name}` (type `{entry.dynamic_token}`)", "",
        "The Python dynamic door uses the snake_case names, the native plugin and every other "
        "language the camelCase ones.", "",
        "| Python (state) | schema (YAML, TypeScript, Go...) | kind | required | secret | "
        "replaces | rule | description |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in spec.fields:
        kind = "input" if f.input else "output"
        lines.append(_row(f, f.state, f.schema, kind))
        lines += [_row(sub, f"{f.state}.{sub.state}", f"{f.schema}.{sub.schema}", kind)
                  for sub in f.items]
    return "\n".join(lines) + "\n"


def fields_markdown() -> str:
    """The README's resources table: each resource, its tokens and a link to its page."""
    lines = ["| resource | plugin token | Python class | properties |", "|---|---|---|---|"]
    for entry in registry():
        spec = entry.spec
        module = entry.provider.partition(":")[0]
        page = f"{PAGES}/{spec.name}.md"
        lines.append(f"| {spec.name} | `{spec.token}` | `{module}.{spec.name}` | "
                     f"[{page}]({page}) |")
    return "\n".join(lines)


def _row(f: Field, state: str, schema: str, kind: str) -> str:
    required = "yes" if f.required else (f"default `{f.default}`" if f.default else "")
    return (f"| `{state}` | `{schema}` | {kind} | {required} | {'yes' if f.secret else ''} | "
            f"{'yes' if f.replace else ''} | {f.rule} | {f.description} |")


def readme_with_table(text: str) -> str:
    """``text`` (the README) with its generated block replaced by the current table."""
    head, sep, rest = text.partition(BEGIN)
    if not sep or END not in rest:
        raise ValueError(f"README.md lacks the markers {BEGIN!r} ... {END!r}")
    tail = rest.split(END, 1)[1]
    return f"{head}{BEGIN}\n{fields_markdown()}\n{END}{tail}"


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the generated files, or with ``--check`` report which are stale (exit 1).
    ``--help`` (or any unknown argument) writes nothing."""
    parser = argparse.ArgumentParser(
        prog="python -m provider.schema",
        description="Rewrite the files generated from the resource registry (plugin schema, "
                    "docs pages, README table, provider/generated.py, the policy registry).")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; list the stale files and exit 1 if there are any")
    check = parser.parse_args(argv).check
    wanted = {SCHEMA_FILE: schema_text(), README: readme_with_table(README.read_text()),
              PYTHON_FILE: python_module(), POLICY_REGISTRY_FILE: policy_registry(),
              **{page_path(e.spec): resource_page(e) for e in registry()},
              **{ROOT / "policy" / name: text for name, text in policy_rules().items()}}
    stale = [path for path, text in wanted.items()
             if not path.exists() or path.read_text() != text]
    if check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is stale: run `python -m provider.schema`")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
