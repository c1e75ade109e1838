"""Old import path of the base connection's API mapping, now
``provider.resources.base_connection`` (kept for programs, tests and benches that import it)."""

from provider.resources.base_connection import *  # noqa: F403
from provider.resources.base_connection import DATABRICKS_SPEC_ID as DATABRICKS_SPEC_ID
