"""Run examples/databricks-end-to-end under Pulumi mocks; used by test_databricks_end_to_end.py
in a subprocess (mocks and config are process-wide).

The mock monitor does what the engine does with a registration: it keeps the request (inputs as
sent, secrets enveloped; dependencies) and answers outputs, marking secret the outputs the
resource lists in ``additionalSecretOutputs`` (the Databricks SDK lists the token's
``tokenValue`` there itself). Prints one JSON object: ``resources`` in registration
order (type, name, urn, inputs as sent, dependencies, additional secret outputs), ``outputs``
(as answered), ``exports`` (each with whether it is secret) and ``error``.
"""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pulumi  # noqa: E402
from google.protobuf import json_format  # noqa: E402
from pulumi.runtime.mocks import MockMonitor  # noqa: E402

SECRET_SIG = "4dabf18193072939515e22adb298388d"
SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270"
PROGRAM = ROOT / "examples" / "databricks-end-to-end" / "__main__.py"

# Documentation values, as a real run would answer them.
SAS = "sv=2020-10-02&si=dlz-databricks&sr=c&sp=racwdlm&se=2026-12-06&sig=MOCKSIGNATURE0123456789"
CONF_KEY = "fs.azure.sas.dlz-databricks-container.sndbxdtlnexample.blob.core.windows.net"
OUTPUTS: dict[str, dict[str, Any]] = {
    "pulumi-python:dynamic/aep:DatabricksStagingCredentials": {
        "credentials_id": "example@AdobeOrg/dev/dlz_databricks_source",
        "container_name": "dlz-databricks-container",
        "storage_account_name": "sndbxdtlnexample",
        "sas_token": SAS,
        "sas_uri": f"https://sndbxdtlnexample.blob.core.windows.net/dlz-databricks-container?{SAS}",
        "expiry_date": "2026-12-06",
        "spark_conf": {CONF_KEY: SAS},
    },
    "databricks:index/cluster:Cluster": {"clusterId": "0123-456789-mockclst"},
    "databricks:index/token:Token": {"tokenValue": "dapi-MOCK-0123456789abcdef0123456789ab"},
    "pulumi-python:dynamic/aep:DatabricksBaseConnection": {
        "connection_id": "9e3b2a0c-5d1f-4c47-9f0e-0123456789ab", "etag": '"0a00"'},
}
IDS = {"databricks:index/cluster:Cluster": "0123-456789-mockclst"}


class Mocks(pulumi.runtime.Mocks):
    """Echo inputs and add each type's computed outputs."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return IDS.get(args.typ, f"{args.name}-id"), {**args.inputs, **OUTPUTS.get(args.typ, {})}

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


def _plain(struct: Any) -> dict[str, Any]:
    return dict(json_format.MessageToDict(struct))


class Monitor(MockMonitor):
    """Keeps each registration and marks secret outputs as the engine would."""

    def __init__(self) -> None:
        super().__init__(Mocks())
        self.registered: list[dict[str, Any]] = []

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        inputs = _plain(request.object)
        inputs.pop("__provider", None)
        for key in request.additionalSecretOutputs:
            if key in response.object.fields:
                value = json_format.MessageToDict(response.object)[key]
                response.object[key] = {SECRET_SIG: SECRET_VALUE, "value": value}
        self.registered.append({
            "type": request.type, "name": request.name, "urn": response.urn,
            "inputs": inputs, "dependencies": sorted(request.dependencies),
            "additional_secret_outputs": sorted(request.additionalSecretOutputs),
        })
        return response


def main() -> None:
    """Run the program with the config on stdin; print the result."""
    request = json.load(sys.stdin)
    monitor = Monitor()
    pulumi.runtime.set_mocks(monitor.mocks, project="databricks-end-to-end", stack="dev",
                             preview=False, monitor=monitor)
    pulumi.runtime.set_all_config(request["config"], request["secret_keys"])
    result: dict[str, Any] = {"error": None, "exports": {}}

    @pulumi.runtime.test
    def run() -> Any:
        runpy.run_path(str(PROGRAM), run_name="__main__")
        root = pulumi.runtime.get_root_resource()
        outputs = getattr(root, "outputs", {})

        def keep(name: str, output: pulumi.Output[Any]) -> pulumi.Output[Any]:
            return pulumi.Output.all(output, output.is_secret()).apply(
                lambda pair: result["exports"].__setitem__(
                    name, {"value": pair[0], "secret": pair[1]}))

        return pulumi.Output.all(*[keep(k, pulumi.Output.from_input(v))
                                   for k, v in outputs.items()])

    try:
        run()
    except pulumi.RunError as error:
        result["error"] = str(error)
    result["resources"] = monitor.registered
    json.dump(result, sys.stdout, default=str)


if __name__ == "__main__":
    main()
