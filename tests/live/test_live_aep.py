"""A live round trip against a real AEP sandbox: create -> read -> update -> delete.

Runs only with ``AEP_ACC=1`` and credentials in the environment (``AEP_CLIENT_ID``,
``AEP_CLIENT_SECRET``, ``AEP_ORG_ID``, ``AEP_SANDBOX_NAME``) plus a Databricks workspace to point
at (``AEP_ACC_DATABRICKS_DOMAIN``, ``AEP_ACC_DATABRICKS_CLUSTER_ID``,
``AEP_ACC_DATABRICKS_TOKEN``, ``AEP_ACC_DATABRICKS_DATABASE``). It leaves nothing behind.
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.conftest import configured

NEEDED = ("AEP_CLIENT_ID", "AEP_CLIENT_SECRET", "AEP_ORG_ID", "AEP_SANDBOX_NAME",
          "AEP_ACC_DATABRICKS_DOMAIN", "AEP_ACC_DATABRICKS_CLUSTER_ID",
          "AEP_ACC_DATABRICKS_TOKEN", "AEP_ACC_DATABRICKS_DATABASE")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(os.environ.get("AEP_ACC") != "1" or not all(os.environ.get(k)
                                                                    for k in NEEDED),
                       reason="live AEP test: set AEP_ACC=1 and " + ", ".join(NEEDED)),
]


def test_live_lifecycle() -> None:
    """A real connection is created, read back, renamed and deleted."""
    env = os.environ
    provider = configured({})
    props = {
        "name": f"aep-connections-acc-{uuid.uuid4().hex[:8]}",
        "description": "aep-connections acceptance test; safe to delete",
        "domain": env["AEP_ACC_DATABRICKS_DOMAIN"],
        "cluster_id": env["AEP_ACC_DATABRICKS_CLUSTER_ID"],
        "access_token": env["AEP_ACC_DATABRICKS_TOKEN"],
        "database": env["AEP_ACC_DATABRICKS_DATABASE"],
        "sandbox_name": env["AEP_SANDBOX_NAME"],
    }
    assert provider.check({}, props).failures == []
    created = provider.create(props)
    assert created.outs is not None
    try:
        read = provider.read(created.id, created.outs)
        assert read.id == created.id
        renamed = {**props, "name": props["name"] + "-renamed"}
        updated = provider.update(created.id, created.outs, renamed)
        assert updated.outs is not None
        assert updated.outs["etag"] != created.outs["etag"]
    finally:
        provider.delete(created.id, created.outs)
    assert provider.read(created.id, created.outs).id == ""
