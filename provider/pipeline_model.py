"""Old import path of the ingestion path's JSON mappings: each now lives with its resource under
``provider/resources/`` (the dataflow's in ``provider.resources.dataflow_json``); the names are
re-exported here for code written against 0.1.0."""

from __future__ import annotations

from provider.pipeline_rules import DEFAULT_SCHEMA_VERSION as DEFAULT_SCHEMA_VERSION
from provider.resources.base import SPEC_VERSION as SPEC_VERSION
from provider.resources.base import name_ops as name_ops
from provider.resources.base_connection import DATABRICKS_SPEC_ID as DATABRICKS_SPEC_ID
from provider.resources.dataflow_json import *  # noqa: F403 (the dataflow's JSON, whole)
from provider.resources.mapping_set import (
    MAPPING_SET_REPLACE_FIELDS as MAPPING_SET_REPLACE_FIELDS,
)
from provider.resources.mapping_set import mapping_set_body as mapping_set_body
from provider.resources.mapping_set import mapping_set_inputs as mapping_set_inputs
from provider.resources.source_connection import (
    SOURCE_REPLACE_FIELDS as SOURCE_REPLACE_FIELDS,
)
from provider.resources.source_connection import (
    source_connection_body as source_connection_body,
)
from provider.resources.source_connection import (
    source_connection_inputs as source_connection_inputs,
)
from provider.resources.staging_credentials import (
    STAGING_CREDENTIAL_TYPE as STAGING_CREDENTIAL_TYPE,
)
from provider.resources.staging_credentials import spark_conf as spark_conf
from provider.resources.staging_credentials import staging_outputs as staging_outputs
from provider.resources.target_connection import (
    DATA_LAKE_SPEC_ID as DATA_LAKE_SPEC_ID,
)
from provider.resources.target_connection import (
    DEFAULT_TARGET_FORMAT as DEFAULT_TARGET_FORMAT,
)
from provider.resources.target_connection import (
    TARGET_REPLACE_FIELDS as TARGET_REPLACE_FIELDS,
)
from provider.resources.target_connection import (
    target_connection_body as target_connection_body,
)
from provider.resources.target_connection import (
    target_connection_inputs as target_connection_inputs,
)
