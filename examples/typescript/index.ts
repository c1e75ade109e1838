// A TypeScript Pulumi program using the aep native plugin through a generated local SDK.
// Steps (README "Using the native plugin from other languages"):
//   pulumi new typescript            (or an existing TypeScript project)
//   pulumi package add <path-to-aep-connections>/plugin
//   pulumi config set aep:sandboxName dev   (and the other aep: keys, as for any stack)
//   pulumi config set --secret databricksToken <databricks-personal-access-token>
//   pulumi up
import * as pulumi from "@pulumi/pulumi";
import * as aep from "@pulumi/aep";

const config = new pulumi.Config();

const sales = new aep.DatabricksBaseConnection("sales-lakehouse", {
    name: "sales-lakehouse",
    description: "Sales lakehouse. owner: data-platform",
    domain: "https://adb-1234567890123456.7.azuredatabricks.net",
    clusterId: "0123-456789-abcdefgh",
    accessToken: config.requireSecret("databricksToken"),
    database: "sales",
    catalog: "main",
    sandboxName: "dev",
}, { protect: true });

export const salesConnectionId = sales.connectionId;
export const salesUpdatedAt = sales.updatedAt;
