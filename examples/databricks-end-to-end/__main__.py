"""One program for both sides: the Databricks cluster and the AEP connection to it.

Databricks side (``pulumi-databricks``): a secret scope and secret holding the sandbox's
landing-zone SAS token, an interactive cluster whose Spark config references that secret
(``{{secrets/<scope>/<key>}}``: the token is never in the cluster definition), and a personal
access token for AEP. AEP side (aep-connections): ``DatabricksStagingCredentials`` (the token,
its Spark config entry, its rotation) and the ``DatabricksBaseConnection`` taking the cluster id,
the workspace URL and the token.

The outputs wire the order: credentials -> secret -> cluster (``spark_conf``) -> connection
(``cluster_id``, ``access_token``). A cluster reads its secrets when it starts, so the cluster
carries the token's expiry date as a tag: a new token changes it, and Databricks restarts a
running cluster whose definition changed. A rotation is one ``pulumi up``:

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

rotation_trigger = pulumi.Config("aep").get("stagingRotationTrigger")
staging = DatabricksStagingCredentials("staging", rotation_trigger=rotation_trigger)

# The SAS token lives in a Databricks secret scope, not in the cluster definition (which any
# user who can see the cluster can read).
scope = databricks.SecretScope("aep-staging", name=config.get("secretScope") or "aep-staging")
sas_secret = databricks.Secret(
    "aep-staging-sas",
    scope=scope.name,
    key="sas-token",
    string_value=staging.sas_token,  # secret
)


def secret_reference(conf: dict[str, str], scope_name: str, key: str) -> dict[str, str]:
    """The Spark config entry Adobe documents, its value a reference to the secret."""
    return {entry: f"{{{{secrets/{scope_name}/{key}}}}}" for entry in conf}


cluster = databricks.Cluster(
    "aep-ingest",
    cluster_name="aep-ingest",
    spark_version=config.get("sparkVersion") or "15.4.x-scala2.12",
    node_type_id=config.get("nodeType") or "Standard_DS3_v2",
    num_workers=1,
    autotermination_minutes=60,
    # The entry's name comes from the credentials; its value names the secret, not the token,
    # so the result holds nothing secret.
    spark_conf=pulumi.Output.unsecret(
        pulumi.Output.all(staging.spark_conf, scope.name, sas_secret.key).apply(
            lambda args: secret_reference(*args))
    ),
    # A new token (a rotation here, or Adobe's own) changes these tags, so Databricks restarts
    # the running cluster and it reads the new secret.
    custom_tags={
        "aep-staging-expiry": staging.expiry_date.apply(lambda date: date or "unknown"),
        **({"aep-staging-rotation": rotation_trigger} if rotation_trigger else {}),
    },
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
