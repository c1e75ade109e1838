"""``Dataset``: its API mapping over Catalog's ``/data/foundation/catalog/dataSets``.

Create is one ``POST`` (201 answering ``["@/dataSets/{id}"]``); read one ``GET`` (an object
keyed by the id); update one ``PATCH`` (``application/json``: name, description and the
``unifiedProfile``/``unifiedIdentity`` tags, replaced whole); delete one ``DELETE`` (an unknown
id answers ``[]``: already gone). The schema reference (``schemaRef.id`` and a content type
naming the schema's MAJOR version) cannot change: changing it replaces the dataset. A content
type naming the registry's edit version (``version=1.3``) is refused at check
(``provider.xdm.content_type_major``): wired from a schema's ``version`` output, it would
replace the dataset on every schema edit. Turning Profile off is allowed (Adobe's tags).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from provider import pipeline_rules, validation, xdm
from provider.errors import UnexpectedAnswerError
from provider.resources import xdm_calls
from provider.resources.base import NAMED_RULES, SANDBOX_RULES, keyed
from provider.resources.xdm_calls import Props, XdmApi
from provider.resources.xdm_fields import DATASET

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched

PATH = "/dataSets"
_TAGS = {"profile_enabled": "unifiedProfile", "identity_enabled": "unifiedIdentity"}
_CREATED = re.compile(r"@/dataSets/([0-9a-f]{24})")


def content_type_problem(value: object, key: str = "schema_version") -> str | None:
    """Why ``value`` is not an XED content type naming a MAJOR version, or None."""
    if not isinstance(value, str):
        return f"{key} must be a string, e.g. application/vnd.adobe.xed+json;version=1"
    _, why = xdm.content_type_major(value)
    return f"{key}: {why}" if why else None


def enabled(tags: object, key: str) -> bool:
    """Whether ``tags[key]`` holds ``enabled:true`` (Adobe's OpenAPI spells it with a space)."""
    values = tags.get(key) if isinstance(tags, Mapping) else None
    return isinstance(values, list) and any(
        isinstance(v, str) and v.replace(" ", "").lower() == "enabled:true" for v in values)


def tags(props: Props, *, explicit: bool) -> dict[str, list[str]]:
    """The Profile/Identity tags (``explicit``: false ones too, to turn them off)."""
    return {tag: [f"enabled:{str(bool(props.get(key))).lower()}"] for key, tag in _TAGS.items()
            if explicit or props.get(key)}


class DatasetApi(XdmApi):
    """``Dataset``: PATCH name, description and tags; replace on the schema reference."""

    SPEC = DATASET
    NOUN = "dataset"
    SCHEMA_REF = ("schema_id", "schema_version")
    REPLACE = ("schema_id", "schema_version", "sandbox_name")
    CHANGING_OUTPUTS: tuple[str, ...] = ()
    RULES = {
        **NAMED_RULES,
        "schema_id": keyed(pipeline_rules.schema_id_problem, "schema_id"),
        "schema_version": content_type_problem,
        "profile_enabled": validation.boolean_rule("profile_enabled"),
        "identity_enabled": validation.boolean_rule("identity_enabled"),
        **SANDBOX_RULES,
    }

    def create_body(self, props: Props) -> dict[str, Any]:
        """``POST /dataSets``: name, description, ``schemaRef``, the tags turned on."""
        found: dict[str, Any] = {
            "name": props["name"],
            "schemaRef": {"id": props["schema_id"], "contentType": props["schema_version"]}}
        if props.get("description"):
            found["description"] = props["description"]
        if tags(props, explicit=False):
            found["tags"] = tags(props, explicit=False)
        return found

    def live_inputs(self, item: Props, prior: Props) -> dict[str, Any]:
        """Name, description, schema reference, Profile and Identity."""
        ref = item.get("schemaRef") or {}
        found = {"name": item.get("name"), "description": item.get("description"),
                 "schema_id": ref.get("id"), "schema_version": ref.get("contentType"),
                 **{key: enabled(item.get("tags"), tag) for key, tag in _TAGS.items()},
                 "sandbox_name": prior.get("sandbox_name")}
        return {k: v for k, v in found.items() if v is not None}

    def answer_outputs(self, answer: Props) -> dict[str, Any]:
        """The dataset id."""
        return {"dataset_id": answer.get("id")} if answer.get("id") else {}

    def create(self, client: FlowServiceClient, sandbox: str, body: dict[str, Any]) -> Created:
        """``POST /dataSets``; the id is read from ``["@/dataSets/{id}"]``."""
        answer = xdm_calls.catalog_call(client, "POST", PATH, sandbox, body=body,
                                        expected=(200, 201))
        found = _CREATED.fullmatch(answer[0]) if isinstance(answer, list) and len(
            answer) == 1 and isinstance(answer[0], str) else None
        if found is None:
            raise UnexpectedAnswerError("POST", PATH, 201, "the create answer is not "
                                        '["@/dataSets/<id>"] (a dataset may have been created)',
                                        may_have_taken_effect=True)
        return self.made(found.group(1), {"id": found.group(1)})

    def get(self, client: FlowServiceClient, sandbox: str, id_: str) -> dict[str, Any]:
        """``GET /dataSets/{id}``: the object keyed by the id."""
        answer = xdm_calls.catalog_call(client, "GET", f"{PATH}/{xdm_calls.segment(id_)}",
                                        sandbox)
        item = answer.get(id_) if isinstance(answer, Mapping) else None
        if not isinstance(item, Mapping):
            raise UnexpectedAnswerError("GET", f"{PATH}/{id_}", 200,
                                        f"the answer holds no dataset {id_}")
        return {**item, "id": id_}

    def update(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
               olds: Props, news: Props, applied: Callable[[Any], bool] | None) -> Patched | None:
        """One ``PATCH`` of name, description and tags (setting them is idempotent)."""
        body: dict[str, Any] = {"name": news["name"], "tags": tags(news, explicit=True)}
        if news.get("description") or olds.get("description"):
            body["description"] = news.get("description") or ""
        xdm_calls.catalog_call(client, "PATCH", f"{PATH}/{xdm_calls.segment(id_)}", sandbox,
                               body=body)
        return self.patched({"id": id_})

    def delete(self, client: FlowServiceClient, sandbox: str, id_: str) -> str | None:
        """``DELETE /dataSets/{id}``; ``[]`` means it was already gone."""
        answer = xdm_calls.catalog_call(client, "DELETE", f"{PATH}/{xdm_calls.segment(id_)}",
                                        sandbox)
        xdm_calls.gone_if_missing(answer, id_)
        return None


DATASET_API = DatasetApi()
