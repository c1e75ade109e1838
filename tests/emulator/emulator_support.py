"""Helpers for the emulator's tests: a small `requests` client and valid request bodies."""

from __future__ import annotations

import os
from typing import Any

import requests

from provider.emulator import Emulator

BASE = "/data/foundation/flowservice"
SPEC_ID = "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b"
AUTH_SPEC = "Access Token Authentication"
# Distinctive, so a leak is easy to spot in any text.
ACCESS_TOKEN = "dapi-EMUTEST-5f4e3d2c1b0a99887766"
# Adobe's own OpenAPI documents, when the caller points at copies: they are not part of this
# repository, so the tests against them run only when these are set. Read at import, before the
# suite's autouse fixture clears AEP_* variables for each test. name -> (variable, base path).
ADOBE_DOCUMENT_VARIABLES = {
    "flow_service": ("AEP_OPENAPI_FLOW_SERVICE", "/data/foundation/flowservice"),
    "data_prep": ("AEP_OPENAPI_DATA_PREP", "/data/foundation/conversion"),
    "catalog": ("AEP_OPENAPI_CATALOG", "/data/foundation/catalog"),
    "schema_registry": ("AEP_OPENAPI_SCHEMA_REGISTRY", "/data/foundation/schemaregistry"),
}
ADOBE_DOCUMENTS = {name: os.environ.get(variable, "")
                   for name, (variable, _) in ADOBE_DOCUMENT_VARIABLES.items()}
# AEP_OPENAPI_SPEC is the earlier name of the Flow Service document's variable.
ADOBE_DOCUMENTS["flow_service"] = (ADOBE_DOCUMENTS["flow_service"]
                                   or os.environ.get("AEP_OPENAPI_SPEC", ""))


def params(**overrides: Any) -> dict[str, Any]:
    """Valid Databricks auth params, with overrides (None removes a key)."""
    base: dict[str, Any] = {
        "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
        "clusterId": "0123-456789-abcdefgh",
        "accessToken": ACCESS_TOKEN,
        "database": "sales",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def create_body(name: str = "conn", **param_overrides: Any) -> dict[str, Any]:
    """A valid create body."""
    return {
        "name": name,
        "description": "made by the emulator tests",
        "auth": {"specName": AUTH_SPEC, "params": params(**param_overrides)},
        "connectionSpec": {"id": SPEC_ID, "version": "1.0"},
    }


class Api:
    """A `requests` client for the emulator, with a real token and the usual headers."""

    def __init__(self, emu: Emulator, sandbox: str | None = "prod", org: str | None = None):
        self.emu = emu
        self.session = requests.Session()
        self.sandbox = sandbox
        self.org = org or emu.org_id
        self.token = self.fetch_token()

    def fetch_token(self) -> str:
        """A fresh IMS token for the demo client."""
        answer = self.session.post(
            f"{self.emu.url}/ims/token/v3",
            data={
                "grant_type": "client_credentials",
                "client_id": self.emu.client_id,
                "client_secret": self.emu.client_secret,
                "scope": "openid,AdobeID",
            },
            timeout=5,
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()["access_token"])

    def headers(self, **extra: str | None) -> dict[str, str]:
        """The required headers, with overrides (None drops one)."""
        base: dict[str, str | None] = {
            "Authorization": f"Bearer {self.token}",
            "x-api-key": self.emu.client_id,
            "x-gw-ims-org-id": self.org,
            "x-sandbox-name": self.sandbox,
        }
        base.update({k.replace("_", "-"): v for k, v in extra.items()})
        return {k: v for k, v in base.items() if v is not None}

    def call(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> requests.Response:
        """One request to ``BASE + path`` (``path`` may carry a query)."""
        kwargs.setdefault("timeout", 5)
        return self.session.request(
            method, f"{self.emu.url}{BASE}{path}", headers=headers or self.headers(), **kwargs
        )

    def create(self, body: dict[str, Any] | None = None, **kwargs: Any) -> requests.Response:
        """POST /connections."""
        return self.call("POST", "/connections", json=body or create_body(), **kwargs)

    def created(self, name: str = "conn", **param_overrides: Any) -> tuple[str, str]:
        """Create a connection; (id, etag)."""
        answer = self.create(create_body(name, **param_overrides))
        assert answer.status_code == 201, answer.text
        return answer.json()["id"], answer.json()["etag"]

    def patch(self, id_: str, etag: str | None, ops: Any, **kwargs: Any) -> requests.Response:
        """PATCH /connections/{id} with If-Match (None: without)."""
        headers = self.headers(**({"If-Match": etag} if etag is not None else {}))
        return self.call("PATCH", f"/connections/{id_}", headers=headers, json=ops, **kwargs)

    def get(self, id_: str) -> requests.Response:
        """GET /connections/{id}."""
        return self.call("GET", f"/connections/{id_}")


def flow_code(answer: requests.Response) -> str:
    """The Flow Service error code of an answer (``1404-412``)."""
    return str(answer.json()["type"]).rsplit("FLOW-", 1)[1]
