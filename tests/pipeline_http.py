"""A tiny HTTP helper for tests that drive the emulator's ingestion path without the client.

(The Flow Service client has no ingestion-path operations yet; these tests build requests with
``requests`` directly, as the client will.)
"""

from __future__ import annotations

from typing import Any

import requests

from provider.emulator import Emulator

FLOW = "/data/foundation/flowservice"
MAPPING_SETS = "/data/foundation/conversion/mappingSets"


class Platform:
    """An authenticated session to an emulator, in one sandbox of the demo org."""

    def __init__(self, emu: Emulator, sandbox: str = "prod") -> None:
        self.emu = emu
        self.session = requests.Session()
        token = self.session.post(f"{emu.url}/ims/token/v3", timeout=5, data={
            "grant_type": "client_credentials", "client_id": emu.client_id,
            "client_secret": emu.client_secret, "scope": "openid"}).json()["access_token"]
        self.headers = {"Authorization": f"Bearer {token}", "x-api-key": emu.client_id,
                        "x-gw-ims-org-id": emu.org_id, "x-sandbox-name": sandbox}

    def call(self, method: str, path: str, *, if_match: str | None = None,
             **kwargs: Any) -> requests.Response:
        """One request to a full platform path; a JSON content type on every write."""
        headers = dict(self.headers)
        if method in ("POST", "PUT", "PATCH"):
            headers["Content-Type"] = "application/json"
        if if_match is not None:
            headers["If-Match"] = if_match
        return self.session.request(method, f"{self.emu.url}{path}", headers=headers, timeout=5,
                                    **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        """The JSON of a 2xx answer (asserted)."""
        answer = self.call(method, path, **kwargs)
        assert 200 <= answer.status_code < 300, answer.text
        return answer.json()

    def base_connection(self) -> str:
        """A Databricks base connection's id."""
        return str(self.ok("POST", f"{FLOW}/connections", json={
            "name": "c", "connectionSpec": {"id": "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b",
                                            "version": "1.0"},
            "auth": {"specName": "Access Token Authentication", "params": {
                "domain": "https://adb-1.2.azuredatabricks.net", "clusterId": "0123-456789-abc",
                "accessToken": "dapi-x", "database": "sales"}}})["id"])

    def close(self) -> None:
        """Close the session."""
        self.session.close()
