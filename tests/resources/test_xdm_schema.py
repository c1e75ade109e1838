"""``provider.resources.xdm_schema``'s create when a step after the schema's POST fails: the new
schema is deleted again, and if that delete fails too its id is never lost."""

from __future__ import annotations

from typing import Any

import pytest

from provider.errors import AepError, AuthError, NotFoundError, TransientError
from provider.resources.xdm_schema import XDM_SCHEMA_API

ALT_ID = "_acme.schemas.abc123"
SCHEMA_ID = "https://ns.adobe.com/acme/schemas/abc123"
DECLARED: dict[str, Any] = {
    "title": "Customers", "schema_class": "profile", "sandbox_name": "dev",
    "primary_identity": {"field": "/personalEmail/address", "namespace": "Email"},
    "profile_enabled": True}


def refused(method: str, path: str) -> TransientError:
    """A 503 that outlasted the retry budget."""
    return TransientError(method, path, 503, "Service Unavailable")


class Registry:
    """A client whose schema POST answers, and whose later calls answer from ``script``
    (``(method, path prefix) -> answer or error``); it records each call."""

    def __init__(self, script: dict[tuple[str, str], Any]) -> None:
        self.script = script
        self.calls: list[tuple[str, str]] = []

    def request_json(self, method: str, _base: str, path: str, _sandbox: str,
                     **_kwargs: Any) -> Any:
        self.calls.append((method, path))
        if (method, path) == ("POST", "/tenant/schemas"):
            return {"$id": SCHEMA_ID, "meta:altId": ALT_ID, "version": "1.0"}
        answer = next(a for (m, p), a in self.script.items()
                      if m == method and path.startswith(p))
        if isinstance(answer, AepError):
            raise answer
        return answer


def create(client: Registry) -> Any:
    """The schema's create, as the core calls it."""
    return XDM_SCHEMA_API.create(client, "dev",  # type: ignore[arg-type]
                                 XDM_SCHEMA_API.create_body(DECLARED))


@pytest.mark.parametrize("stuck", [
    refused("DELETE", f"/tenant/schemas/{ALT_ID}"),
    AuthError("IMS did not answer", reason="unreachable"),
])
def test_a_failed_cleanup_delete_leaves_the_schema_id_on_the_error(stuck: AepError) -> None:
    """The descriptor POST fails, then deleting the new schema fails (API error or IMS down):
    the descriptor's error carries the schema's id and its outputs as made (no identity, no
    Profile), and its message names the schema and the failed delete."""
    client = Registry({("POST", "/tenant/descriptors"): refused("POST", "/tenant/descriptors"),
                       ("DELETE", "/tenant/schemas/"): stuck})
    with pytest.raises(TransientError) as caught:
        create(client)
    failed = caught.value
    assert failed.path == "/tenant/descriptors"
    assert failed.created_id == ALT_ID
    assert failed.created_outputs == {
        "schema_id": SCHEMA_ID, "alt_id": ALT_ID, "version": "1.0", "major_version": 1,
        "content_type": "application/vnd.adobe.xed+json;version=1",
        "primary_identity": None, "profile_enabled": False}
    assert f"Deleting the new schema {ALT_ID} again failed too" in str(failed)
    assert stuck.message in str(failed)


def test_a_failed_profile_step_keeps_the_descriptor_made_before_it() -> None:
    """The descriptor is made, the Profile PATCH and the cleanup delete fail: the outputs as
    made keep the identity and its descriptor, Profile off."""
    client = Registry({("POST", "/tenant/descriptors"): {"@id": "desc-1"},
                       ("PATCH", "/tenant/schemas/"): refused("PATCH", "/tenant/schemas"),
                       ("DELETE", "/tenant/schemas/"): refused("DELETE", "/tenant/schemas")})
    with pytest.raises(TransientError) as caught:
        create(client)
    made = caught.value.created_outputs or {}
    assert caught.value.created_id == ALT_ID
    assert made["identity_descriptor_id"] == "desc-1"
    assert "primary_identity" not in made
    assert made["profile_enabled"] is False


def test_a_cleanup_delete_answering_gone_is_a_clean_failure() -> None:
    """The cleanup DELETE answers the registry's 404 for the schema: it is gone, so the
    create fails as before, with no id to keep."""
    client = Registry({("POST", "/tenant/descriptors"): refused("POST", "/tenant/descriptors"),
                       ("DELETE", "/tenant/schemas/"): NotFoundError(
                           "DELETE", f"/tenant/schemas/{ALT_ID}", 404, "not found")})
    with pytest.raises(TransientError) as caught:
        create(client)
    assert caught.value.created_id is None
    assert "again failed" not in str(caught.value)
    assert client.calls[-1][0] == "DELETE"


def test_a_cleanup_delete_that_works_leaves_no_id() -> None:
    """The cleanup DELETE succeeds: the create fails with the step's error alone."""
    client = Registry({("POST", "/tenant/descriptors"): refused("POST", "/tenant/descriptors"),
                       ("DELETE", "/tenant/schemas/"): None})
    with pytest.raises(TransientError) as caught:
        create(client)
    assert caught.value.created_id is None
    assert [m for m, _ in client.calls] == ["POST", "POST", "DELETE"]
