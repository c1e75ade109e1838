"""The connection specs the emulator knows: one small table, so more sources can be added.

Each spec names its auth specs; each auth spec lists its params, which are required and which are
secret (``format: password`` in Adobe's spec JSON: masked in answers and in the request log).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AuthSpec:
    """One entry of a connection spec's ``authSpec`` list."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    secret: tuple[str, ...] = ()

    @property
    def params(self) -> tuple[str, ...]:
        """Every param the auth spec accepts."""
        return self.required + self.optional


@dataclass(frozen=True)
class ConnectionSpec:
    """A source's connection spec: id, versions and auth specs."""

    id: str
    name: str
    versions: tuple[str, ...]
    auth_specs: tuple[AuthSpec, ...]

    def auth_spec(self, name: str) -> AuthSpec | None:
        """The auth spec called ``name``, or None."""
        return next((a for a in self.auth_specs if a.name == name), None)


DATABRICKS_SPEC_ID = "e9d7ec6b-0873-4e57-ad21-b3a7c65e310b"

SPECS: dict[str, ConnectionSpec] = {
    DATABRICKS_SPEC_ID: ConnectionSpec(
        id=DATABRICKS_SPEC_ID,
        name="databricks",
        versions=("1.0",),
        auth_specs=(
            AuthSpec(
                name="Access Token Authentication",
                required=("domain", "clusterId", "accessToken", "database"),
                optional=("catalog",),
                secret=("accessToken",),
            ),
        ),
    ),
}

SECRET_PARAMS: frozenset[str] = frozenset(
    p for spec in SPECS.values() for auth in spec.auth_specs for p in auth.secret
)
"""Every secret param name of every known spec (for the request log)."""
