"""Old import path of the ingestion-path API mappings, each now in its own module under
``provider/resources/`` (kept for programs, tests and pickles that import them):
``SOURCE_CONNECTION`` (``source_connection``), ``TARGET_CONNECTION`` (``target_connection``),
``MAPPING_SET_API`` (``mapping_set``), ``DATAFLOW_API`` (``dataflow``), and
:class:`EntityApi`, the base they share, with its rules (``base``).
"""

from __future__ import annotations

from typing import Any

from provider.resources.base import NAMED_RULES as NAMED_RULES
from provider.resources.base import SANDBOX_RULES as SANDBOX_RULES
from provider.resources.base import EntityApi as EntityApi
from provider.resources.base import IsUnknown as IsUnknown
from provider.resources.base import Props as Props
from provider.resources.base import keyed as keyed
from provider.resources.base import with_identity as with_identity
from provider.resources.mapping_set import MAPPING_SET_API as MAPPING_SET_API
from provider.resources.mapping_set import MappingSetApi as MappingSetApi
from provider.resources.source_connection import SOURCE_CONNECTION as SOURCE_CONNECTION
from provider.resources.source_connection import SourceConnectionApi as SourceConnectionApi
from provider.resources.target_connection import TARGET_CONNECTION as TARGET_CONNECTION
from provider.resources.target_connection import TargetConnectionApi as TargetConnectionApi


def __getattr__(name: str) -> Any:
    # The dataflow's mapping moved to provider.resources.dataflow; these names stay importable.
    if name in ("DATAFLOW_API", "DataflowApi", "disable_after_create"):
        from provider.resources import dataflow

        return getattr(dataflow, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
