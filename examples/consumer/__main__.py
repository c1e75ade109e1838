"""One Databricks base connection declared from another Pulumi project.

The sandbox comes from this stack's ``aep:sandboxName``; AEP credentials from ``aep:clientId``,
``aep:clientSecret`` and ``aep:orgId`` (or the AEP_CLIENT_ID, ... environment variables).
"""

import pulumi

from provider import DatabricksBaseConnection, DatabricksBaseConnectionArgs

config = pulumi.Config()

analytics = DatabricksBaseConnection(
    "analytics",
    DatabricksBaseConnectionArgs(
        name="analytics-lakehouse",
        description="Analytics lakehouse, declared by the aep-consumer project",
        domain=config.require("databricksDomain"),
        cluster_id=config.require("databricksClusterId"),
        access_token=config.require_secret("databricksToken"),
        database="analytics",
        catalog="main",
    ),
)

pulumi.export("connectionId", analytics.connection_id)

# Reading connections managed by the aep-connections project instead (its `connections` output):
#   ref = pulumi.StackReference("<your-pulumi-org>/aep-connections/dev")
#   sales_id = ref.get_output("connections").apply(lambda c: c["sales-lakehouse"]["connectionId"])
