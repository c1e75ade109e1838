"""A Swagger 2.0 document as an OpenAPI 3.0 one, good enough for openapi-core (which reads
OpenAPI 3 only), so Adobe's Schema Registry document (Swagger 2.0) can check exchanges body for
body as its Flow Service, Data Prep and Catalog documents do.

What is converted (and nothing more):

- ``definitions`` -> ``components/schemas``, every ``$ref: '#/definitions/X'`` rewritten (never
  inside ``example``/``enum``/``default``, whose ``$ref`` keys are XDM data, not references);
- ``#/parameters/X`` references resolved; a ``body`` parameter -> ``requestBody`` (one media
  type per entry of the operation's ``consumes``, else the document's); ``formData`` is left
  out (the registry declares none); every other parameter -> its type keys under ``schema``;
  path-level parameters are merged into each operation (an operation's own win);
- a response's ``schema`` -> ``content`` per entry of ``produces`` (the operation's, else the
  document's); response ``headers`` -> ``schema``-wrapped;
- ``x-nullable: true`` -> ``nullable: true``;
- ``schemes``/``host``/``basePath`` -> ``servers`` (``https`` when no scheme is named).
"""

from __future__ import annotations

from typing import Any

__all__ = ["to_openapi3"]

_PARAMETER_KEYS = ("name", "in", "description", "required", "deprecated", "allowEmptyValue")
# Keys whose values are data (never a reference), and those holding schemas by name.
_DATA_KEYS = ("example", "examples", "x-example", "enum", "default")
_NAMED_SCHEMAS = ("properties", "patternProperties", "definitions")


def to_openapi3(swagger: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI 3.0.3 form of the Swagger 2.0 document ``swagger`` (left unchanged)."""
    if swagger.get("swagger") != "2.0":
        raise ValueError("not a Swagger 2.0 document")
    consumes = list(swagger.get("consumes") or ["application/json"])
    produces = list(swagger.get("produces") or ["application/json"])
    shared = dict(swagger.get("parameters") or {})
    scheme = (swagger.get("schemes") or ["https"])[0]
    base = str(swagger.get("basePath") or "").rstrip("/")
    server = f"{scheme}://{swagger['host']}{base}" if swagger.get("host") else base or "/"
    paths: dict[str, Any] = {}
    for template, item in (swagger.get("paths") or {}).items():
        common = [_resolved(p, shared) for p in item.get("parameters") or []]
        paths[template] = {
            method: _operation(op, common, shared, consumes, produces)
            for method, op in item.items()
            if method in ("get", "put", "post", "delete", "options", "head", "patch")}
    return {
        "openapi": "3.0.3",
        "info": swagger.get("info") or {"title": "", "version": ""},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"schemas": {name: _schema(s) for name, s in
                                   (swagger.get("definitions") or {}).items()}},
    }


def _resolved(parameter: dict[str, Any], shared: dict[str, Any]) -> dict[str, Any]:
    ref = parameter.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/parameters/"):
        return dict(shared[ref.removeprefix("#/parameters/")])
    return dict(parameter)


def _operation(op: dict[str, Any], common: list[dict[str, Any]], shared: dict[str, Any],
               consumes: list[str], produces: list[str]) -> dict[str, Any]:
    own = [_resolved(p, shared) for p in op.get("parameters") or []]
    named = {(p["name"], p["in"]): p for p in [*common, *own]}  # the operation's own win
    converted: dict[str, Any] = {
        k: v for k, v in op.items()
        if k not in ("parameters", "responses", "consumes", "produces", "schemes")}
    parameters = []
    for parameter in named.values():
        if parameter["in"] == "body":
            converted["requestBody"] = {
                "required": bool(parameter.get("required")),
                "content": {media: {"schema": _schema(parameter.get("schema") or {})}
                            for media in op.get("consumes") or consumes}}
        elif parameter["in"] != "formData":
            parameters.append(_parameter(parameter))
    if parameters:
        converted["parameters"] = parameters
    media_types = op.get("produces") or produces
    converted["responses"] = {
        str(code): _response(answer, media_types)
        for code, answer in (op.get("responses") or {}).items()}
    return converted


def _parameter(parameter: dict[str, Any]) -> dict[str, Any]:
    out = {k: parameter[k] for k in _PARAMETER_KEYS if k in parameter}
    if out["in"] == "path":
        out["required"] = True
    out["schema"] = _schema({k: v for k, v in parameter.items()
                             if k not in _PARAMETER_KEYS and k != "collectionFormat"})
    return out


def _response(answer: dict[str, Any], media_types: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": str(answer.get("description") or "")}
    if "schema" in answer:
        out["content"] = {media: {"schema": _schema(answer["schema"])}
                          for media in media_types}
    if answer.get("headers"):
        out["headers"] = {
            name: {"description": str(header.get("description") or ""),
                   "schema": _schema({k: v for k, v in header.items() if k != "description"})}
            for name, header in answer["headers"].items()}
    return out


def _schema(node: Any) -> Any:
    """``node`` with definition references rewritten and ``x-nullable`` made ``nullable``."""
    if isinstance(node, list):
        return [_schema(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DATA_KEYS:
            out[key] = value
        elif key in _NAMED_SCHEMAS and isinstance(value, dict):
            out[key] = {name: _schema(v) for name, v in value.items()}
        elif key == "$ref" and isinstance(value, str) and value.startswith("#/definitions/"):
            out[key] = "#/components/schemas/" + value.removeprefix("#/definitions/")
        elif key == "x-nullable":
            out["nullable"] = bool(value)
        else:
            out[key] = _schema(value)
    return out
