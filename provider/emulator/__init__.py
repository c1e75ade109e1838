"""An offline Adobe Flow Service, Data Prep, landing zone, Schema Registry, Catalog and IMS,
served on loopback.

The tests, the ``local`` stack and the benchmarks talk to it exactly as they would to
``https://platform.adobe.io`` and ``https://ims-na1.adobelogin.com``: real HTTP/1.1 (keep-alive,
``Content-Length``) on a real socket. Importing this package starts nothing.

Use
---
::

    from provider.emulator import Emulator

    with Emulator(port=0) as emu:          # or emu = Emulator().start(); ...; emu.stop()
        emu.url                            # platform URL == IMS URL, "http://127.0.0.1:PORT"
        emu.client_id, emu.client_secret, emu.org_id    # the demo credentials it accepts
        emu.faults.add(status=503, times=2)             # fault injection (``faults.py``)
        emu.requests                       # RecordedRequest log, secrets redacted
        emu.connections(sandbox="prod")    # stored connections (unmasked), for assertions
        emu.revoke_tokens()                # every token now gets 401 401013
        emu.issued_token_values()          # every bearer token issued (to hunt for leaks)
        emu.add_flow_reference(conn_id)    # DELETE of that id now answers 400 1418-400
        emu.set_connection_test(conn_id, False)         # GET .../test answers {"result": false}
        emu.runs.steer(flow_id, RunOutcome.failed())    # the flow's next run fails (``runs.py``)
        emu.technical_account              # the user_id claim of every token it issues

or from a shell: ``python -m provider.emulator --port 8080 [--state FILE]`` (also installed as
``aep-flow-emulator``; ``--help`` lists the options, faults included). It prints one line
``aep-flow-emulator listening on http://HOST:PORT (client id ..., org ...)`` and exits 0 on
SIGINT/SIGTERM. With ``--state`` (``state_file=``) connections survive restarts; tokens do not.

Demo credentials: client id ``aep-emulator-client``, secret ``aep-emulator-secret``, org
``EMULATOR0000000000000000@AdobeOrg`` (the client's org: another org header gets the gateway's
403, as Adobe's does).

The contract: ``openapi.yaml`` next to this file describes every path, body and status the
emulator answers (and the provider sends); the test suite validates every exchange against it.

Options (``Emulator(...)`` keyword / CLI flag)
----------------------------------------------
``mask`` / ``--mask`` ("****")
    What secret params (``format: password`` ones, e.g. Databricks ``accessToken``) read back as.
``sandboxes`` / ``--sandbox NAME`` (repeatable), ``--any-sandbox`` (("prod", "dev"))
    The sandboxes that exist: ``prod`` and the ``local`` stack's ``dev``; another well-formed
    name gets 404 2101-404. ``None`` (``--any-sandbox``) lets every well-formed name exist;
    ``emu.add_sandbox(name)`` adds one.
``missing_sandbox`` / ``--missing-sandbox`` ("prod")
    A request without ``x-sandbox-name`` works in ``prod``, or with "error" gets 400 2105-400.
``token_ttl`` / ``--token-ttl`` (86399)
    Token lifetime in seconds; an expired token gets 401 401013.
``require_version`` / ``--no-require-version`` (True)
    A create without ``connectionSpec.version`` gets 422 (as the Destinations spec shows), or
    the version defaults to "1.0".
``accept_unquoted_etag`` / ``--accept-unquoted-etag`` (False)
    Also accept ``If-Match`` without the etag's literal double quotes.
``delete_status`` / ``--delete-status`` (204)
    The status of a successful DELETE (204, or 202 as the Destinations spec shows, or 200).
``clock`` (``time.monotonic``), ``sleep`` (``time.sleep``)
    Python only: the token issuer's clock (expiry), the clock of the request read deadline
    (``limits.REQUEST_READ_SECONDS``: a request that has not arrived whole in time gets 408 and
    the connection closes) and the sleep of ``latency``/``delay`` faults, so tests expire tokens,
    pass deadlines and count waits without waiting.
``read_seconds`` (``limits.REQUEST_READ_SECONDS``, 10)
    Python only: the time a request has to arrive whole.

Endpoints
---------
``POST /ims/token/v3``
    Form fields ``grant_type=client_credentials``, ``client_id``, ``client_secret``, ``scope``
    (body or query). 200 ``{"access_token","token_type":"bearer","expires_in"}``, the token
    JWT-shaped as Adobe's (``header.payload.signature``; claims ``client_id``, ``user_id`` = the
    client's technical account ``<hex>@techacct.adobe.com``, ``org``, a random ``id``; the
    signature random, nothing verifies it: ``gateway.py``); a missing or
    empty ``scope`` is 400 ``invalid_scope`` (as Adobe's IMS answers), another missing field 400
    ``invalid_request``, another grant type 400 ``unsupported_grant_type``, wrong credentials 401
    ``invalid_client``.

Everything under ``/data/foundation/flowservice`` first passes the gateway (``gateway.py``):
403 403010 no ``Authorization``; 401 401013 unknown, expired or revoked token; 403 403000 no
``x-api-key``; 403 403003 an api key other than the token's client; 400 400003 no
``x-gw-ims-org-id``; 403 403025 an org other than the token's; the sandbox rules above, 404
2100-404 for a sandbox name that is not lower-case letters, digits and dashes and 404 2101-404
for one that does not exist; 400 ``BadRequestError`` for POST/PATCH without a JSON content
type when it carries a body (a bodyless POST, as Adobe's flow-action example, needs none). Every
answer carries an ``x-request-id`` header. Connections are isolated per
(org, sandbox).

``POST /connections``
    201 ``{"id","etag"}`` + ``Location: /data/foundation/flowservice/connections/{id}``. Stores
    ``createdAt``/``updatedAt`` (epoch ms), ``createdBy``/``updatedBy``/``createdClient``/
    ``updatedClient`` (the client id), ``sandboxId``, ``sandboxName``, ``imsOrgId``, ``state``
    "enabled", ``etag`` = ``version`` = ``"\\"<uuid>\\""`` (literal quotes included). Errors:
    1100-400 not an object / bad types / unknown auth params; 1455-400 missing name, auth or a
    required param; 1413-400 missing or unknown spec id, unknown version (the catalogue's text);
    1415-400 unknown ``auth.specName``; 422 1413-422 missing spec version. Specs known:
    ``specs.py`` (Databricks).
``GET /connections/{id}`` (trailing slash too)
    200 ``{"items":[connection]}`` with secrets masked; 404 1101-404, ``errorMessage``
    "connections not found with id = [<id>]" (Adobe's text).
``GET /connections``
    ``property`` filters, ``orderby`` (default ``-updatedAt``), ``limit`` (default 20, cap 100),
    ``continuationToken`` paging via ``_links.next.href`` (``"_links": {}`` on the last page, as
    Adobe's examples show), quoted values (``name=="x"``) as Adobe writes them, ``count=true``
    (400 1401-400 with ``limit``). Details in ``listing.py``.
``PATCH /connections/{id}`` (trailing slash too)
    Needs ``If-Match`` (400 1403-400) equal to the current etag, quotes included (412 1404-412
    "Supplied version=[...] does not match the current version on entity=[...]"), and a
    non-empty JSON array (400 1405-400). Ops and paths in ``patching.py`` (1434-400, 1414-400,
    1455-400). All or nothing; bumps ``etag``/``version``/``updatedAt``. 200 ``{"id","etag"}``.
``DELETE /connections/{id}`` (trailing slash too)
    204 empty (or ``delete_status``); 404 1101-404; 400 1418-400 when a flow references it.
``GET /connections/{id}/test``
    200 ``{"result": true}``, or false when the ``domain`` host contains "unreachable", or what
    ``emu.set_connection_test(id, result)`` steered for that connection (None: the rule again).

Flow errors have Adobe's shape: ``{"type": "https://ns.adobe.com/aep/errors/FLOW-<code>",
"title", "status", "report": {"detailed-message", "request-id"}, "errorMessage",
"errorDetails"}``, titled as Adobe's error catalogue titles the code ("Resource not found",
"Invalid request", "Header is missing", "Version not matching"...); gateway errors are
``{"error_code", "message"}`` (``problems.py``).

Faults and the request log
--------------------------
``emu.faults`` (``Faults``, thread-safe) holds rules matched by method and path prefix (relative
to the Flow Service base, e.g. "/connections", or "/ims/token/v3"), each firing ``times`` times
(None: until ``clear()``): ``status`` 429 (``Retry-After: retry_after``, gateway body 429050),
500/503/504 (Flow body 1102-500/1103-503/1104-504) or 502 (the gateway's HTML page: Flow
Service has no 502 code), ``latency`` (sleep before processing), ``delay``
(sleep after processing, before answering), ``drop="before"`` (reset, nothing applied),
``drop="after"`` (applied, then reset: the answer is lost), and ``rate``/``seed``/``statuses``
random transient faults. ``emu.requests`` records every request, faulted ones included with the
status they got (0 when dropped); the bearer token, ``client_secret`` and secret params are
replaced by ``[REDACTED]`` before recording.

Ingestion path (``pipeline.py`` and one module per entity)
---------------------------------------------------------
Behind the same gateway, faults and request log: ``/sourceConnections``, ``/targetConnections``
(``source_connections.py``, ``target_connections.py``), ``/flows`` with
``/flows/{id}/action?op=enable|disable`` (``flows.py``), read-only ``/flowSpecs`` holding
``CRMToAEP`` (``flow_specs.py``) and ``/connectionSpecs`` holding Databricks and Data Lake
(``connection_specs.py``), read-only ``/runs`` and ``/runs/{id}`` (``runs.py``: one run per
schedule tick of the pipeline clock, outcomes steered with ``emu.runs.steer``/
``emu.runs.default`` and ``RunOutcome``; each flow's ``lastRunDetails``),
``/connections/{id}/explore`` over a configurable fake Databricks
catalogue (``explore.py``), Data Prep mapping sets at ``/data/foundation/conversion/mappingSets``
(``mapping_sets.py``) and landing-zone staging credentials at
``/data/foundation/connectors/landingzone/credentials?type=dlz_databricks_source[&action=refresh]``
(``staging_credentials.py``). Referential integrity: a flow names existing source and target
connections of its sandbox and a flow spec that accepts them; deleting a base, source or target
connection a flow still uses answers 400 1418-400. Options: ``Emulator(pipeline=
PipelineOptions(catalogue=..., staging_ttl=..., clock=..., ...))`` and the matching CLI flags
(``pipeline.py`` lists them with each choice made where Adobe is silent). Assertion helpers:
``emu.source_connections(org, sandbox)``, ``emu.target_connections(...)``, ``emu.flows(...)``,
``emu.mapping_sets(...)``, ``emu.staging_credentials(...)``, ``emu.staging_token_valid(token)``,
``emu.issued_sas_tokens()``, ``emu.catalogue`` (settable), ``emu.runs``, ``emu.runs_of(flow_id)``.

Adobe-documented behaviours that differ from the emulator's older answers are switches of
``AdobeShapes`` (``adobe.py``; ``PipelineOptions(adobe=AdobeShapes.strict() | .off() | ...)``,
``--adobe NAME|all``, ``--no-adobe NAME|all``). Every one is on by default (the client handles
each): ``missing_flow_1439`` (a missing flow is 404 ``FLOW-1439-404``), ``modified_naming``
(Data Prep's ``modifiedDate``/``modifiedBy``), ``redundant_action_error`` (1422-400),
``refuse_state_on_create``, ``schema_path_source_type``, ``techacct_creator``,
``short_create_answer``, ``version_default_zero``, ``database_flow_requirements``. The contract
corpus (``tests/contract/corpus``) is checked with every one on.

Schema Registry and Catalog (``schema_registry.py``, ``xdm_descriptors.py``, ``catalog.py``)
-----------------------------------------------------------------------------------------
Behind the same gateway, faults and request log, in memory (not saved with ``--state``):
``/data/foundation/schemaregistry`` (``/stats``, ``/tenant/fieldgroups``, ``/tenant/schemas``,
``/tenant/descriptors``: Accept rules, a version bump on every edit, Profile enablement, only
additive edits of a schema in use, refused deletes) and ``/data/foundation/catalog/dataSets``
(201 with an array, GET keyed by id, Profile and Identity tags). Each module's docstring lists
its choices where Adobe is silent; the facts and their sources are in
``docs/reference/schema-registry-and-catalog.md``.

Fidelity: modelled on Adobe's OpenAPI document ("Flow Service API - Sources"), the Destinations
document, the tutorials and the Flow Service error catalogue. The points Adobe leaves open are
options above (masking, missing sandbox header, missing version, unquoted etags, delete status,
which sandboxes exist). Where Adobe is silent the emulator chooses, and says so here:

- titles of 1100-404, 1100-405, 1413-422, 2100-404, 2101-404 and 2105-400 (unpublished;
  ``problems.UNPUBLISHED_TITLES``), and which of 2100-404/2101-404 means what (the catalogue lists
  both for "sandbox not found");
- the texts of IMS errors other than ``invalid_scope``, and of gateway errors beyond the table in
  Adobe's troubleshooting guide; the body of a 502 (an HTML page);
- the ``Location`` of a create, the default page size (20), and the id format (UUIDs);
- runs: made lazily for each passed tick (none for ticks passed while disabled, no catch-up),
  a fixed duration per outcome, byte counts derived from record counts, no ``activities``; a
  flow has no ``lastRunDetails`` before its first run;
- the code of a refused ``state`` on create (1100-400; Adobe documents the refusal, not its
  code) and of a database flow without delta column or mapping (1455-400);
- the mapping-set ``name`` list filter (``GET /mappingSets?name=``).

"""

from __future__ import annotations

from provider.emulator.adobe import AdobeShapes
from provider.emulator.explore import Catalogue, Column, Table
from provider.emulator.faults import FaultRule, Faults
from provider.emulator.pipeline import PipelineOptions
from provider.emulator.recording import RecordedRequest
from provider.emulator.runs import RunOutcome
from provider.emulator.server import CLIENT_ID, CLIENT_SECRET, ORG_ID, Emulator

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "ORG_ID",
    "AdobeShapes",
    "Catalogue",
    "Column",
    "Emulator",
    "FaultRule",
    "Faults",
    "PipelineOptions",
    "RecordedRequest",
    "RunOutcome",
    "Table",
]
