"""Create-body and auth-param rules, checked against the spec table (``specs.py``)."""

from __future__ import annotations

from typing import Any

from provider.emulator.problems import FlowError
from provider.emulator.specs import SPECS, AuthSpec, ConnectionSpec

# The catalogue's text for 1413-400.
INVALID_SPEC_ID = "The spec ID provided is invalid. Please provide a valid spec ID and try again."


def check_create(body: object, *, require_version: bool) -> dict[str, Any]:
    """Validate a ``POST /connections`` body; return the fields to store.

    Raises FlowError: 1100-400 (shape), 1413-400 (missing or unknown spec id, unknown
    version), 1455-400 (missing name, auth or param), 1415-400 (unknown auth spec), and
    1413-422 for a missing spec version when ``require_version`` (the Destinations spec's 422;
    otherwise it defaults to "1.0").
    """
    if not isinstance(body, dict):
        raise FlowError("1100-400", "The request body must be a JSON object.")
    spec_info = body.get("connectionSpec")
    spec_id = spec_info.get("id") if isinstance(spec_info, dict) else None
    spec = SPECS.get(str(spec_id)) if spec_id else None
    if spec is None or not isinstance(spec_info, dict):
        raise FlowError("1413-400", INVALID_SPEC_ID)
    version = spec_info.get("version")
    if version is None:
        if require_version:
            raise FlowError(
                "1413-422",
                "connectionSpec.version 'version' is required for spec info "
                f'{spec.id}; version is usually "1.0".',
            )
        version = spec.versions[-1]
    if version not in spec.versions:
        raise FlowError("1413-400", f"Version '{version}' of connection spec {spec.id} not found.")
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise FlowError("1455-400", 'Missing field "name": a non-empty string is required.')
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        raise FlowError("1100-400", "The field 'description' must be a string.")
    auth = body.get("auth")
    if not isinstance(auth, dict) or not isinstance(auth.get("specName"), str):
        raise FlowError("1455-400", 'Missing field "auth.specName".')
    auth_spec = find_auth_spec(spec, auth["specName"])
    if not isinstance(auth.get("params"), dict):
        raise FlowError("1455-400", 'Missing field "auth.params".')
    check_params(auth_spec, auth["params"])
    fields: dict[str, Any] = {
        "name": name,
        "connectionSpec": {"id": spec.id, "version": version},
        "auth": {"specName": auth_spec.name, "params": dict(auth["params"])},
    }
    if description is not None:
        fields["description"] = description
    return fields


def find_auth_spec(spec: ConnectionSpec, name: str) -> AuthSpec:
    """The auth spec of ``spec`` named ``name``, else 1415-400."""
    found = spec.auth_spec(name)
    if found is None:
        raise FlowError(
            "1415-400",
            f"The auth spec '{name}' could not be found for the connection spec ID {spec.id}.",
        )
    return found


def check_params(auth_spec: AuthSpec, params: dict[str, Any]) -> None:
    """Params must be strings, include every required one, and name no unknown one."""
    unknown = sorted(set(params) - set(auth_spec.params))
    if unknown:
        raise FlowError(
            "1100-400",
            f"Unknown auth params {unknown} for auth spec '{auth_spec.name}'.",
        )
    missing = [p for p in auth_spec.required if params.get(p) in (None, "")]
    if missing:
        raise FlowError("1455-400", f'Missing field "auth.params.{missing[0]}".')
    wrong = sorted(k for k, v in params.items() if not isinstance(v, str))
    if wrong:
        raise FlowError("1100-400", f"Auth params {wrong} must be strings.")


def auth_spec_of(connection: dict[str, Any]) -> AuthSpec | None:
    """The auth spec a stored connection uses (None if its spec left the table)."""
    spec = SPECS.get(connection.get("connectionSpec", {}).get("id", ""))
    if spec is None:
        return None
    return spec.auth_spec(connection.get("auth", {}).get("specName", ""))


def masked(connection: dict[str, Any], mask: str) -> dict[str, Any]:
    """A copy of a connection with its secret params replaced by ``mask``."""
    view = dict(connection)
    auth_spec = auth_spec_of(connection)
    auth = connection.get("auth")
    if auth_spec is not None and isinstance(auth, dict):
        params = {
            k: (mask if k in auth_spec.secret and v is not None else v)
            for k, v in auth.get("params", {}).items()
        }
        view["auth"] = {**auth, "params": params}
    return view
