"""The ingestion path behind the emulator's gateway: wiring, options, views and CLI flags.

``Pipeline`` owns one store and one service per entity (``source_connections``,
``target_connections``, ``flows``, ``flow_specs``, ``connection_specs``, ``explore``,
``mapping_sets``, ``staging_credentials``) and is one of the router's extra ``routes``: the router
authenticates a request (same gateway, org and sandbox rules as connections) and offers it here
first. Faults and the request log see these requests like any other (fault paths are relative to
the Flow Service base, e.g. ``/flows``; the Data Prep and landing-zone paths are matched in full,
e.g. ``/data/foundation/conversion/mappingSets``).

``DELETE /connections/{id}`` passes through here first: while a dataflow of the sandbox uses the
connection (as the base connection of one of its source connections) it answers 400 1418-400;
otherwise the connection service deletes it as before. With ``base_in_use_by_source`` a source
connection alone (without a flow) also keeps its base connection (Adobe is silent; default off).

Options (``PipelineOptions``; ``Emulator(pipeline=PipelineOptions(...))`` / CLI flags):

``catalogue`` / ``--catalogue FILE`` (two sales tables)
    The fake Databricks workspace that explore reads and source connections name (``explore.py``).
``staging_ttl`` / ``--staging-ttl SECONDS`` (7 days)
    Lifetime of landing-zone SAS tokens (``staging_credentials.py``).
``clock`` (``time.time``)
    Epoch seconds now, for token expiry, timestamps and "start time has passed": tests inject one.
``schedule_types`` / ``--schedule-types spec|strings|typed`` (spec)
    How a flow's ``startTime``/``interval``/``backfill`` read back (``flow_specs.py``).
``action_bumps_etag`` / ``--action-keeps-etag`` (bumps)
    Whether enable/disable gives a flow a new etag.
``check_source_table`` / ``--no-check-source-table`` (checks)
    Whether a source connection's ``tableName`` must be a catalogue table.
``base_in_use_by_source`` / ``--base-in-use-by-source`` (off)
    Whether a source connection alone blocks deleting its base connection.
``missing_version_not_found`` / ``--missing-version-not-found`` (off)
    Whether a mapping set's GET of a version it does not have answers Data Prep's "Mapping set
    {id} not found." (the answer for an unknown set) instead of "has no version N" (Adobe
    documents neither; the provider must not take it as the set being gone).
``adobe`` / ``--adobe BEHAVIOUR``, ``--no-adobe BEHAVIOUR`` (repeatable, or ``all``)
    (``AdobeShapes()``) Adobe-documented behaviours, one switch each, all on by default
    (``adobe.py`` says what each follows).

``/runs`` and a flow's ``lastRunDetails`` come from ``runs.py`` (``emu.runs``: steerable).

With a state file (``state_file=``/``--state FILE``), each entity is saved beside it in
``<stem>.<entity><suffix>`` (``state.flows.json``...), in the connection store's format.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from provider.emulator.adobe import AdobeShapes
from provider.emulator.connection_specs import connection_spec_service
from provider.emulator.connections import Caller
from provider.emulator.entity import Clock, EntityService, ReadOnlyService, refuse_if_used
from provider.emulator.explore import Catalogue, default_catalogue, explore
from provider.emulator.flow_specs import SCHEDULE_TYPES, flow_spec_service
from provider.emulator.flows import FlowService
from provider.emulator.mapping_sets import CONVERSION_PATH, MappingSetService
from provider.emulator.problems import FlowError
from provider.emulator.router import BASE_PATH, Answer, _json, _not_allowed, relative_path
from provider.emulator.runs import RunService
from provider.emulator.source_connections import SourceConnectionService
from provider.emulator.staging_credentials import (
    CREDENTIALS_PATH,
    DEFAULT_STAGING_TTL,
    StagingCredentialService,
)
from provider.emulator.store import ConnectionStore
from provider.emulator.target_connections import TargetConnectionService

_ITEM = re.compile(r"^(/[A-Za-z]+)(?:/([^/]+))?/?$")
_FLOW_ACTION = re.compile(r"^/flows/([^/]+)/action/?$")
_EXPLORE = re.compile(r"^/connections/([^/]+)/explore/?$")
_CONNECTION = re.compile(r"^/connections/([^/]+)/?$")
_MAPPING_SETS = CONVERSION_PATH + "/mappingSets"


@dataclass
class PipelineOptions:
    """How the emulator serves the ingestion path (see the module docstring)."""

    catalogue: Catalogue = field(default_factory=default_catalogue)
    staging_ttl: float = DEFAULT_STAGING_TTL
    clock: Clock = time.time
    schedule_types: str = "spec"
    action_bumps_etag: bool = True
    check_source_table: bool = True
    base_in_use_by_source: bool = False
    missing_version_not_found: bool = False
    adobe: AdobeShapes = field(default_factory=AdobeShapes)


def _sibling(state_file: str | os.PathLike[str] | None, entity: str) -> Path | None:
    if state_file is None:
        return None
    path = Path(state_file)
    return path.with_name(f"{path.stem}.{entity}{path.suffix or '.json'}")


class Pipeline:
    """Every ingestion-path service, and the routes to them."""

    def __init__(
        self,
        connections: ConnectionStore,
        options: PipelineOptions | None = None,
        *,
        state_file: str | os.PathLike[str] | None = None,
        require_version: bool = True,
        accept_unquoted_etag: bool = False,
        delete_status: int = 204,
    ) -> None:
        self.options = options or PipelineOptions()
        if self.options.schedule_types not in SCHEDULE_TYPES:
            raise ValueError(f"schedule_types must be one of {SCHEDULE_TYPES}")
        clock = self.options.clock
        self.connections = connections
        self.delete_status = delete_status
        self.stores = {
            name: ConnectionStore(_sibling(state_file, name))
            for name in ("sourceConnections", "targetConnections", "flows", "mappingSets",
                         "stagingCredentials")
        }
        self.flow_specs = flow_spec_service()
        self.connection_specs = connection_spec_service()
        self.mapping_sets = MappingSetService(
            self.stores["mappingSets"], clock=clock, adobe=self.options.adobe,
            missing_version_not_found=self.options.missing_version_not_found,
        )
        self.runs = RunService(self.stores["flows"], clock=clock)
        self.flows = FlowService(
            self.stores["flows"],
            sources=self.stores["sourceConnections"],
            targets=self.stores["targetConnections"],
            connections=connections,
            flow_specs=self.flow_specs,
            connection_specs=self.connection_specs,
            has_mapping=self.mapping_sets.has_version,
            clock=clock,
            require_version=require_version,
            schedule_types=self.options.schedule_types,
            action_bumps_etag=self.options.action_bumps_etag,
            accept_unquoted_etag=accept_unquoted_etag,
            adobe=self.options.adobe,
            last_run=self.runs.last_run,
        )
        self.sources = SourceConnectionService(
            self.stores["sourceConnections"],
            connections,
            lambda: self.options.catalogue,
            self.flows.using,
            clock=clock,
            require_version=require_version,
            check_source_table=self.options.check_source_table,
            accept_unquoted_etag=accept_unquoted_etag,
        )
        self.targets = TargetConnectionService(
            self.stores["targetConnections"],
            self.flows.using,
            clock=clock,
            require_version=require_version,
            accept_unquoted_etag=accept_unquoted_etag,
        )
        self.staging = StagingCredentialService(
            self.stores["stagingCredentials"], clock=clock, ttl=self.options.staging_ttl
        )
        self._entities: dict[str, EntityService] = {
            "/sourceConnections": self.sources,
            "/targetConnections": self.targets,
            "/flows": self.flows,
        }
        self._catalogues: dict[str, ReadOnlyService] = {
            "/flowSpecs": self.flow_specs,
            "/connectionSpecs": self.connection_specs,
        }

    # --- the router's extra routes --------------------------------------------------------------

    def serves(self, path: str) -> bool:
        """Whether a path outside the Flow Service base is ours (Data Prep, landing zone)."""
        clean = path.rstrip("/")
        return clean in (CREDENTIALS_PATH, _MAPPING_SETS) or clean.startswith(_MAPPING_SETS + "/")

    def route(
        self,
        method: str,
        path: str,
        caller: Caller,
        query: Mapping[str, Sequence[str]],
        headers: Mapping[str, str],
        raw: bytes,
    ) -> Answer | None:
        """Answer a request that is ours, or None to let the connection routes answer it."""
        if path.rstrip("/") == CREDENTIALS_PATH:
            return Answer(200, self.staging.serve(method, caller, query))
        if path.rstrip("/").startswith(_MAPPING_SETS):
            return self._mapping_sets(method, path, caller, query, raw)
        if relative_path(path) == path:
            return None
        rel = relative_path(path)
        match = _CONNECTION.match(rel)
        if match and method == "DELETE":
            self._check_connection_delete(caller, match.group(1))
            return None
        match = _EXPLORE.match(rel)
        if match:
            if method != "GET":
                raise _not_allowed(method, rel)
            if self.connections.get(caller.scope, match.group(1)) is None:
                raise FlowError(
                    "1101-404",
                    f"connections not found with id = [{match.group(1)}]. Resource with given "
                    "id does not exist.",
                )
            return Answer(200, explore(self.options.catalogue, query))
        match = _FLOW_ACTION.match(rel)
        if match:
            if method != "POST":
                raise _not_allowed(method, rel)
            flow = self.stores["flows"].get(caller.scope, match.group(1))
            if flow is not None:
                self.runs.catch_up(flow)  # ticks so far ran in the state they had
            return Answer(
                200, self.flows.action(caller, match.group(1), query, headers.get("if-match"))
            )
        match = _ITEM.match(rel)
        if match is None:
            return None
        collection, id_ = match.groups()
        if collection == "/runs":
            if method != "GET":
                raise _not_allowed(method, rel)
            return Answer(200, self.runs.get(caller, id_) if id_ else self.runs.list(caller, query))
        if collection in self._catalogues:
            catalogue = self._catalogues[collection]
            if method != "GET":
                raise _not_allowed(method, rel)
            return Answer(200, catalogue.get(id_) if id_ else catalogue.list(query))
        entity = self._entities.get(collection)
        if entity is None:
            return None
        return self._entity(entity, method, rel, id_, caller, query, headers, raw)

    def _entity(
        self,
        entity: EntityService,
        method: str,
        rel: str,
        id_: str | None,
        caller: Caller,
        query: Mapping[str, Sequence[str]],
        headers: Mapping[str, str],
        raw: bytes,
    ) -> Answer:
        if id_ is None:
            if method == "GET":
                return Answer(200, entity.list(caller, query))
            if method == "POST":
                created = entity.create(caller, _json(raw))
                location = f"{BASE_PATH}{entity.collection}/{created['id']}"
                return Answer(201, created, {"Location": location})
            raise _not_allowed(method, rel)
        if method == "GET":
            return Answer(200, entity.get(caller, id_))
        if method == "PATCH":
            return Answer(200, entity.patch(caller, id_, headers.get("if-match"), _json(raw)))
        if method == "DELETE":
            entity.delete(caller, id_)
            return Answer(self.delete_status)
        raise _not_allowed(method, rel)

    def _mapping_sets(
        self,
        method: str,
        path: str,
        caller: Caller,
        query: Mapping[str, Sequence[str]],
        raw: bytes,
    ) -> Answer:
        rest = path.rstrip("/")[len(_MAPPING_SETS) :].strip("/")
        if not rest:
            if method == "GET":
                return Answer(200, self.mapping_sets.list(caller, query))
            if method == "POST":
                return Answer(200, self.mapping_sets.create(caller, _json(raw)))
            raise _not_allowed(method, path)
        if "/" in rest:
            raise FlowError("1100-404", f"No resource is served at {path}.")
        if method == "GET":
            versions = query.get("version")
            version = versions[-1] if versions else None
            return Answer(200, self.mapping_sets.get(caller, rest, version))
        if method == "PUT":
            return Answer(200, self.mapping_sets.replace(caller, rest, _json(raw)))
        raise _not_allowed(method, path)

    def _check_connection_delete(self, caller: Caller, id_: str) -> None:
        flows = self.flows.using(caller, id_, through_base=True)
        if not flows and self.options.base_in_use_by_source:
            flows = [
                s["id"]
                for s in self.stores["sourceConnections"].all(caller.scope)
                if s.get("baseConnectionId") == id_
            ]
        refuse_if_used("base connection", id_, flows)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ingestion-path flags of ``python -m provider.emulator``."""
    group = parser.add_argument_group("ingestion path")
    group.add_argument("--catalogue", metavar="FILE",
                       help="JSON file with the fake Databricks tables explore serves")
    group.add_argument("--staging-ttl", type=float, default=DEFAULT_STAGING_TTL,
                       metavar="SECONDS", help="lifetime of landing-zone SAS tokens")
    group.add_argument("--schedule-types", choices=SCHEDULE_TYPES, default="spec",
                       help="how flow startTime/interval/backfill read back: as the spec types "
                       "them (integer/string/boolean), all strings, or all typed")
    group.add_argument("--action-keeps-etag", action="store_true",
                       help="enable/disable leaves a flow's etag unchanged")
    group.add_argument("--no-check-source-table", action="store_true",
                       help="accept source connections naming tables not in the catalogue")
    group.add_argument("--base-in-use-by-source", action="store_true",
                       help="a source connection alone blocks deleting its base connection")
    group.add_argument("--missing-version-not-found", action="store_true",
                       help="a mapping set's missing version answers as an unknown set does")
    group.add_argument("--adobe", action="append", default=[], metavar="BEHAVIOUR",
                       choices=[*AdobeShapes.names(), "all"],
                       help="turn on an Adobe-documented behaviour that is off by default "
                       "(repeatable; 'all' for every one; provider/emulator/adobe.py)")
    group.add_argument("--no-adobe", action="append", default=[], metavar="BEHAVIOUR",
                       choices=[*AdobeShapes.names(), "all"],
                       help="turn off an Adobe-documented behaviour that is on by default, "
                       "for the older answer (repeatable; 'all' for every one)")


def options_from(args: argparse.Namespace) -> PipelineOptions:
    """``PipelineOptions`` from parsed flags; ValueError for a bad catalogue file."""
    options = PipelineOptions(
        staging_ttl=args.staging_ttl,
        schedule_types=args.schedule_types,
        action_bumps_etag=not args.action_keeps_etag,
        check_source_table=not args.no_check_source_table,
        base_in_use_by_source=args.base_in_use_by_source,
        missing_version_not_found=args.missing_version_not_found,
        adobe=AdobeShapes.named(args.adobe, base=AdobeShapes.without(args.no_adobe)),
    )
    if args.catalogue:
        try:
            document = json.loads(Path(args.catalogue).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"--catalogue {args.catalogue}: {error}") from None
        options.catalogue = Catalogue.from_json(document)
    if options.staging_ttl <= 0:
        raise ValueError("--staging-ttl must be positive")
    return options
