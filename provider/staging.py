"""Old import path of the staging credentials' API mapping, now
``provider.resources.staging_credentials`` (kept for programs and tests that import it)."""

from provider.resources.staging_credentials import *  # noqa: F403
