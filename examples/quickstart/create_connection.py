"""The quick start's first connection, made without the Pulumi CLI (README, "Quick start").

    .venv/bin/python examples/quickstart/create_connection.py

Reads the provider's settings from ``AEP_*`` variables as ``python -m provider.explore`` does
(https only, except the emulator on loopback), creates the Databricks base connection
``sales-lakehouse`` in ``AEP_SANDBOX_NAME`` (or finds the one an earlier run made) and prints
its id. Meant for the offline emulator: the workspace and token below are the demo's.
"""

from __future__ import annotations

import os
import sys

from provider.errors import AepError
from provider.lifecycle import client_for
from provider.settings import ProviderSettings

DATABRICKS_SPEC = {"id": "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b", "version": "1.0"}
NAME = "sales-lakehouse"


def main() -> int:
    """Print the id of the ``sales-lakehouse`` connection, creating it if needed."""
    try:
        settings = ProviderSettings.from_config(lambda _key: None, os.environ)
        sandbox = settings.sandbox_name or "dev"
        client = client_for(settings)
        found = client.find_by_name(sandbox, NAME)
        if found:
            print(found[0]["id"])
            return 0
        created = client.create_connection(sandbox, {
            "name": NAME,
            "description": "Sales lakehouse. owner: data-platform",
            "auth": {"specName": "Access Token Authentication", "params": {
                "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
                "clusterId": "0123-456789-abcdefgh",
                "accessToken": "dapi-example-not-a-real-token",
                "database": "sales",
            }},
            "connectionSpec": DATABRICKS_SPEC,
        })
    except AepError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(created.id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
