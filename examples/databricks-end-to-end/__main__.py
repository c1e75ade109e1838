"""One program for both sides: the Databricks cluster and the AEP connection to it.

Databricks side (``pulumi-databricks``): an interactive cluster whose Spark config holds the
sandbox's landing-zone SAS token, and a personal access token for AEP. AEP side (aep-connections):
``DatabricksStagingCredentials`` (the token, its Spark config entry, its rotation) and the
``DatabricksBaseConnection`` taking the cluster id, the workspace URL and the token.

The outputs wire the order: credentials -> cluster (``spark_conf``) -> connection
(``cluster_id``, ``access_token``). A rotation is one ``pulumi up``:

    pulumi config set aep:stagingRotationTrigger "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    pulumi up

It revokes the old SAS token for every cluster of the sandbox; this program's cluster gets the
new one in the same run (clusters declared elsewhere do not).
"""

import pulumi
import pulumi_databricks as databricks

from provider import (
    DatabricksBaseConnection,
    DatabricksBaseConnectionArgs,
    DatabricksStagingCredentials,
)

config = pulumi.Config()
# The workspace URL the Databricks provider itself uses (`pulumi config set databricks:host ...`).
workspace_url = pulumi.Config("databricks").require("host")

staging = DatabricksStagingCredentials(
    "staging",
    rotation_trigger=pulumi.Config("aep").get("stagingRotationTrigger"),
)

cluster = databricks.Cluster(
    "aep-ingest",
    cluster_name="aep-ingest",
    spark_version=config.get("sparkVersion") or "15.4.x-scala2.12",
    node_type_id=config.get("nodeType") or "Standard_DS3_v2",
    num_workers=1,
    autotermination_minutes=60,
    # Secret: the SAS token. Exactly the entry Adobe documents, nothing else.
    spark_conf=staging.spark_conf,
)

aep_token = databricks.Token(
    "aep",
    comment="Adobe Experience Platform Flow Service (aep-connections)",
    lifetime_seconds=90 * 86400,
)

lakehouse = DatabricksBaseConnection(
    "lakehouse",
    DatabricksBaseConnectionArgs(
        name="lakehouse",
        description="Declared with its cluster by the databricks-end-to-end program",
        domain=workspace_url,
        cluster_id=cluster.id,
        access_token=aep_token.token_value,
        database=config.get("database") or "default",
        catalog=config.get("catalog") or "main",
    ),
)

pulumi.export("clusterId", cluster.id)
pulumi.export("connectionId", lakehouse.connection_id)
pulumi.export("stagingExpiryDate", staging.expiry_date)
