"""What the schema-as-code resources share: their calls to the Schema Registry
(``/data/foundation/schemaregistry``) and Catalog (``/data/foundation/catalog``), each one
request through the client's ``request_json``, and :class:`XdmApi`, their ``ResourceApi`` base.

- The registry's lookups need an ``Accept`` naming the major version
  (``application/vnd.adobe.xed+json; version=1``); descriptors need none; writes answer JSON.
- "Gone" is proven only by the service's own answer for that id: the registry's
  ``XDM-1010-404`` naming it, Catalog's 404 ``Dataset <id> not found`` (Catalog's catalogue is
  not published: UNCONFIRMED, matched narrowly), or a Catalog DELETE answering ``[]`` (its
  guide: an unknown id "may still receive an HTTP Status Code 200, but the response array will
  be empty").
- Creates (POST) are never repeated on a guess: after a lost answer the call fails saying it may
  have taken effect (a repeat would meet the registry's unique-title rule, ``XDM-1521-400``).
- The tenant id (the custom-field namespace ``_{TENANT_ID}``) is the ``aep:tenantId`` setting,
  or else read once per process and org from ``GET /stats`` (cached), and only by a resource
  that needs it.

Sources: ``docs/reference/schema-registry-and-catalog.md``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from provider.errors import NotFoundError, UnexpectedAnswerError
from provider.resources.base import EntityApi

if TYPE_CHECKING:
    from provider.client import Created, FlowServiceClient, Patched

Props = Mapping[str, Any]
REGISTRY = "/data/foundation/schemaregistry"
CATALOG = "/data/foundation/catalog"
XED_ACCEPT = "application/vnd.adobe.xed+json; version={major}"
_IDS = re.compile(r"[A-Za-z0-9_.:@-]{1,256}|https://ns\.adobe\.com/[A-Za-z0-9_./-]{1,200}")


def registry_gone(payload: Mapping[str, Any], code: str | None, id_: str) -> bool:
    """The registry's "not found" (``XDM-1010-404``) naming this id."""
    texts = [payload.get("detail"), payload.get("title")]
    report = payload.get("report")
    if isinstance(report, Mapping):
        texts.append(report.get("detailed-message"))
    wanted = id_.replace("%3A", ":").replace("%2F", "/")
    return code == "1010-404" and any(isinstance(t, str) and wanted in t for t in texts)


def catalog_gone(payload: Mapping[str, Any], code: str | None, id_: str) -> bool:
    """Catalog's ``Dataset <id> not found`` for this id."""
    detail = payload.get("detail")
    return isinstance(detail, str) and re.fullmatch(
        rf"Dataset {re.escape(id_)} not found\.?", detail.strip()) is not None


def segment(id_: str) -> str:
    """``id_`` as one URL path segment (a ``$id`` URL-encoded, as the registry takes it);
    anything that is not an id the registry or Catalog makes is refused before a request."""
    if not isinstance(id_, str) or not _IDS.fullmatch(id_):
        raise UnexpectedAnswerError("GET", str(id_)[:80], None,
                                    "this is not a Schema Registry or Catalog id")
    return quote(id_, safe="")


_tenants: dict[tuple[str, str], str] = {}
_tenant_lock = threading.Lock()


def know_tenant(client: FlowServiceClient, tenant: str) -> None:
    """The org's tenant id from the ``aep:tenantId`` setting: no lookup is then sent."""
    with _tenant_lock:
        _tenants[(client.platform_url, client.org_id)] = tenant


def tenant_id(client: FlowServiceClient, sandbox: str) -> str:
    """The org's tenant id (the ``aep:tenantId`` setting, else ``GET /stats`` once per process
    and org)."""
    key = (client.platform_url, client.org_id)
    with _tenant_lock:
        if key not in _tenants:
            stats = client.request_json("GET", REGISTRY, "/stats", sandbox)
            found = stats.get("tenantId")
            if not isinstance(found, str) or not re.fullmatch(r"[a-z0-9_]{1,64}", found):
                raise UnexpectedAnswerError("GET", "/stats", 200, "the registry's stats carry "
                                            "no tenantId", url=client.platform_url + REGISTRY)
            _tenants[key] = found
        return _tenants[key]


def registry_call(client: FlowServiceClient, method: str, path: str, sandbox: str, *,
                  body: object = None, major: int | None = None, noun: str = "resource",
                  expected: tuple[int, ...] = (200,), accept: str | None = None) -> Any:
    """One registry call; a lookup sends the major version in ``Accept`` (a descriptor list
    its own ``accept``)."""
    if accept is None:
        accept = XED_ACCEPT.format(major=major) if major is not None else "application/json"
    return client.request_json(method, REGISTRY, path, sandbox, body=body, expected=expected,
                               accept=accept, gone=registry_gone, noun=noun,
                               any_json=method == "DELETE")


def catalog_call(client: FlowServiceClient, method: str, path: str, sandbox: str, *,
                 body: object = None, expected: tuple[int, ...] = (200,)) -> Any:
    """One Catalog call (its writes answer arrays)."""
    return client.request_json(method, CATALOG, path, sandbox, body=body, expected=expected,
                               gone=catalog_gone, noun="dataset", any_json=True)


def gone_if_missing(answer: object, id_: str) -> None:
    """A Catalog DELETE of an unknown id answers ``[]``: the dataset was already gone."""
    if answer == []:
        raise NotFoundError("DELETE", f"/dataSets/{id_}", 200, "no such dataset")


def created_at(answer: Props, key: str, path: str) -> str:
    """The id ``key`` of a create answer (a string), else an error that it may exist."""
    found = answer.get(key) if isinstance(answer, Mapping) else None
    if not isinstance(found, str) or not found:
        raise UnexpectedAnswerError("POST", path, 201, f"the create answer has no {key} (the "
                                    "resource may have been created)",
                                    may_have_taken_effect=True)
    return found


class XdmApi(EntityApi):
    """The ``ResourceApi`` base of the Schema Registry and Catalog resources: inputs as in
    the field table, outputs read from the service's answers (``answer_outputs``); no
    ``adopt_existing``; each subclass makes its own calls."""

    CHANGING_OUTPUTS: tuple[str, ...] = ("version",)

    def answer_outputs(self, answer: Props) -> dict[str, Any]:
        """The outputs an answer carries (besides the inputs)."""
        return {}

    def outputs(self, inputs: Props, *, id_: str, etag: str, state: str | None,
                created_ms: int | None, updated_ms: int | None) -> dict[str, Any]:
        """Inputs and the id (the answer's outputs come as ``Created.extra``)."""
        return {**self.inputs_of(inputs), self.SPEC.id_field: id_}

    def from_api(self, item: Props, prior: Props) -> tuple[dict[str, Any], dict[str, Any]]:
        """``(outputs, inputs)`` of a live item; inputs the service does not keep stay as in
        state."""
        kept = {k: v for k, v in prior.items() if k in self.INPUT_FIELDS
                and getattr(self.SPEC.by_state(k), "api", "") is None}
        inputs = {**kept, **self.live_inputs(item, prior)}
        outs = {**{k: v for k, v in prior.items() if k in self.OUTPUT_FIELDS},
                **self.inputs_of(inputs), **self.answer_outputs(item)}
        return outs, inputs

    def made(self, id_: str, answer: Props, date_ms: int = 0) -> Created:
        """A ``Created`` of ``id_`` with the answer's outputs."""
        from provider.client import Created

        return Created(id_, "", date_ms, self.answer_outputs(answer))

    def patched(self, answer: Props, **extra: Any) -> Patched:
        """A ``Patched`` with the answer's outputs."""
        from provider.client import Patched

        return Patched("", 0, {**self.answer_outputs(answer), **extra})

    def find_by_name(self, client: FlowServiceClient, sandbox: str,
                     name: str) -> list[dict[str, Any]]:
        """No lookup by name (these resources take no ``adopt_existing``)."""
        return []

    def patch(self, client: FlowServiceClient, sandbox: str, id_: str, etag: str,
              ops: list[dict[str, Any]], applied: Callable[[Any], bool] | None) -> Patched:
        """Not used: updates go through ``update``."""
        raise NotImplementedError

    def warnings(self, olds: Props, news: Props) -> list[str]:
        """What a preview of this change warns about (none by default)."""
        return []

    def check_change(self, olds: Props, news: Props) -> list[tuple[str, str]]:
        """Changes refused at check, with the old inputs known (none by default)."""
        return []

    def kept(self, id_: str, sandbox: str, props: Props) -> str | None:
        """The notice of a delete that sends no request because Adobe would refuse it (None:
        delete as usual)."""
        return None
