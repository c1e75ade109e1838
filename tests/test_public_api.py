"""The package's public surface: what ``import provider`` promises, and no more."""

from __future__ import annotations

import subprocess
import sys

import provider
from tests.conftest import ROOT


def test_public_names_are_exactly_these() -> None:
    """``__all__`` lists the resources, their args, the base connection's provider and type
    token, the errors and the runs query."""
    assert sorted(provider.__all__) == sorted([
        "TYPE_TOKEN", "AepError", "ApiError", "AuthError", "ConfigurationError", "ConflictError",
        "DatabricksBaseConnection", "DatabricksBaseConnectionArgs",
        "DatabricksBaseConnectionProvider", "DatabricksStagingCredentials",
        "DatabricksStagingCredentialsArgs", "InUseError", "NotFoundError", "TransientError",
        "UnexpectedAnswerError", "DatabricksSourceConnection", "DatabricksSourceConnectionArgs",
        "DataLakeTargetConnection", "DataLakeTargetConnectionArgs", "MappingSet",
        "MappingSetArgs", "Dataflow", "DataflowArgs", "get_dataflow_runs",
    ])
    for name in provider.__all__:
        assert getattr(provider, name) is not None


def test_type_token_is_the_documented_one() -> None:
    """The type token policies and users match on is stable."""
    assert provider.TYPE_TOKEN == "pulumi-python:dynamic/aep:DatabricksBaseConnection"
    assert provider.DatabricksBaseConnection._resource_type_name == \
        "dynamic/aep:DatabricksBaseConnection"


def test_provider_class_path_is_stable() -> None:
    """__provider pickles the class by reference: its module and name are part of state."""
    cls = provider.DatabricksBaseConnectionProvider
    assert (cls.__module__, cls.__qualname__) == ("provider.resource",
                                                  "DatabricksBaseConnectionProvider")


def test_import_does_nothing() -> None:
    """Importing the package starts no thread, reads no config and opens no socket."""
    code = ("import threading, provider, provider.emulator, provider.testing; "
            "print(threading.active_count())")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "1"


HEAVY = ("pulumi", "grpc", "google.protobuf")


def loaded_after(statement: str) -> set[str]:
    """The heavy top-level modules present in ``sys.modules`` after running ``statement``."""
    code = (f"import sys; {statement}; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=120)
    return set(out.stdout.split())


def test_emulator_and_client_imports_load_neither_pulumi_nor_grpc() -> None:
    """``import provider.emulator`` and ``import provider.client`` stay off pulumi and grpc."""
    assert loaded_after("import provider.emulator") == set()
    assert loaded_after("import provider.client, provider.auth, provider.errors") == set()


def test_resource_names_are_still_importable_from_the_package() -> None:
    """``from provider import DatabricksBaseConnection`` works, importing pulumi on demand."""
    assert "pulumi" in loaded_after("from provider import DatabricksBaseConnection")
    assert loaded_after("import provider; provider.TransientError") == set()


def test_the_runs_query_is_exported_and_loads_no_pulumi() -> None:
    """``provider.get_dataflow_runs`` is ``provider.runs``' (the plugin's getDataflowRuns for
    Python programs), imported on first use without pulumi or grpc."""
    from provider import runs

    assert provider.get_dataflow_runs is runs.get_dataflow_runs
    assert loaded_after("from provider import get_dataflow_runs") == set()
