"""The least a dynamic provider can do to create a connection: one ``requests`` POST, no more.

``MinimalHttpProvider`` runs in Pulumi's host like ours and sends the same request, but with no
validation, retries, error mapping, ambiguous-create safety or secret redaction. Timed against
ours in the same host, it separates what our code costs from what the host costs. Importable (and
so pickled by reference) for the same reason as ``provider.resource``. Not for real use.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from pulumi.dynamic import ConfigureRequest, CreateResult, ResourceProvider

TIMEOUT = (5.0, 30.0)
BASE_PATH = "/data/foundation/flowservice"
_PARAMS = (("domain", "domain"), ("cluster_id", "clusterId"), ("access_token", "accessToken"),
           ("database", "database"), ("catalog", "catalog"))


def body(props: dict[str, Any]) -> dict[str, Any]:
    """The ``POST /connections`` body, as ``provider.model.create_body`` makes it."""
    made: dict[str, Any] = {
        "name": props["name"],
        "auth": {"specName": "Access Token Authentication",
                 "params": {api: props[key] for key, api in _PARAMS
                            if props.get(key) is not None}},
        "connectionSpec": {"id": "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b", "version": "1.0"},
    }
    if props.get("description") is not None:
        made["description"] = props["description"]
    return made


class MinimalHttpProvider(ResourceProvider):
    """Create = one POST with a token fetched once in ``configure``; outputs echo the inputs."""

    _session: requests.Session | None = None
    _url = ""
    _headers: dict[str, str] | None = None

    def configure(self, req: ConfigureRequest) -> None:
        """Fetch one IMS token and keep a keep-alive session (no retries, no refresh)."""
        config = req.config
        session = requests.Session()
        answer = session.post(config.require("aep:imsUrl") + "/ims/token/v3", timeout=TIMEOUT,
                              data={"grant_type": "client_credentials",
                                    "client_id": config.require("aep:clientId"),
                                    "client_secret": config.require("aep:clientSecret"),
                                    "scope": "openid"})
        answer.raise_for_status()
        self._headers = {
            "Authorization": f"Bearer {answer.json()['access_token']}",
            "x-api-key": config.require("aep:clientId"),
            "x-gw-ims-org-id": config.require("aep:orgId"),
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self._url = config.require("aep:platformUrl") + BASE_PATH + "/connections"
        self._session = session

    def create(self, props: dict[str, Any]) -> CreateResult:
        """POST the body; raise on anything but 201."""
        assert self._session is not None
        assert self._headers is not None
        response = self._session.post(
            self._url, data=json.dumps(body(props)).encode(), timeout=TIMEOUT,
            headers={**self._headers, "x-sandbox-name": str(props["sandbox_name"])})
        if response.status_code != 201:
            raise RuntimeError(f"create answered {response.status_code}")
        payload = response.json()
        outs = {k: v for k, v in props.items() if k != "__provider"}
        outs.update(connection_id=payload["id"], etag=payload["etag"])
        return CreateResult(payload["id"], outs)
