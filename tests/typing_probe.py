"""What a type checker (and so an editor) makes of the generated classes: CI's ``mypy`` checks
this module, pytest never runs it. Every ``type: ignore[...]`` below must be needed
(``warn_unused_ignores``), so a keyword overload or Args class that stopped rejecting a wrong
call fails the lint."""

from __future__ import annotations

import pulumi

from provider.pipeline_resources import Dataflow, DataflowArgs
from provider.resource import DatabricksBaseConnection
from provider.staging_resource import DatabricksStagingCredentials

SCHEDULE = {"start_time": "2027-01-15T08:00:00Z", "frequency": "once"}


def _both_forms() -> None:
    """Args object and keyword inputs type-check; outputs are typed."""
    flow = Dataflow("f", name="n", source_connection_id="s", target_connection_id="t",
                    schedule=SCHEDULE, mapping_version=2)
    Dataflow("g", DataflowArgs("n", "s", "t", SCHEDULE), pulumi.ResourceOptions(protect=True))
    DatabricksStagingCredentials("c")
    DatabricksStagingCredentials("d", pulumi.ResourceOptions(), rotation_trigger="1")
    flow_id: pulumi.Output[str] = flow.flow_id
    print(flow_id)


def _rejected() -> None:
    """A missing required input, a misspelt one and a wrong type are type errors."""
    Dataflow("f", name="n", source_connection_id="s",  # type: ignore[call-overload]
             target_connection_id="t")
    DatabricksBaseConnection("c", name="n", domain="d",  # type: ignore[call-overload]
                             cluster_id="c", access_token="a", database="d", catalg="x")
    DataflowArgs("n", "s", "t", SCHEDULE, mapping_version="2")  # type: ignore[arg-type]
    flow = Dataflow("f", name="n", source_connection_id="s", target_connection_id="t",
                    schedule=SCHEDULE)
    description: pulumi.Output[str] = flow.description  # type: ignore[assignment]
    print(description)
