"""Old import path of the platform client: see ``provider.http.client``."""

from provider.http.client import BASE_PATH, Created, FlowServiceClient, Patched, RetryPolicy
from provider.http.sender import item_path

__all__ = ["BASE_PATH", "Created", "FlowServiceClient", "Patched", "RetryPolicy", "item_path"]
