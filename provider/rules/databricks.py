"""The Databricks workspace rule, once: the provider's check and the policy pack both apply it
(``python -m provider.schema`` copies this file into ``policy/_databricks.py``, so the pack needs
nothing of this package). Standard library only.

:func:`domain_problem` says why a value is not the https origin of a Databricks workspace, as a
phrase that follows the property's name (``domain is not an https:// URL``), and never quotes the
value (a domain may be marked secret).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

DATABRICKS_HOST_SUFFIXES = (".azuredatabricks.net", ".cloud.databricks.com", ".gcp.databricks.com")
"""The Databricks clouds' workspace host suffixes (Azure, AWS, GCP)."""
EXAMPLE_DOMAIN = "https://adb-1234567890123456.7.azuredatabricks.net"
MAX_HOST = 253  # the DNS limit on a host name
_DNS_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_BAD_URL_CHARS = re.compile(r"[\s\\\x00-\x1f\x7f]")


def domain_problem(domain: object) -> str | None:
    """None if ``domain`` is the https origin of a Databricks workspace, else what is wrong.

    Accepted: ``https://<labels><suffix>`` with an optional trailing ``/`` and optional port 443,
    where the suffix is one of :data:`DATABRICKS_HOST_SUFFIXES` and at least one DNS label comes
    before it. Rejected: other schemes, userinfo, other ports, paths, queries and fragments,
    whitespace, control characters and backslashes. Hosts compare case-insensitively.
    """
    if not isinstance(domain, str):
        return "is not a string"
    if not domain:
        return "is empty"
    if _BAD_URL_CHARS.search(domain):
        return "contains whitespace, a control character or a backslash"
    try:
        parts = urlsplit(domain)
        port = parts.port
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() != "https":
        return "is not an https:// URL" if parts.scheme else "has no https:// scheme"
    if "@" in parts.netloc:
        return "contains user information (user:password@); credentials never go in the URL"
    if port not in (None, 443) or parts.netloc.endswith(":"):
        return "uses a port other than 443, the one Databricks workspaces are served on"
    if "?" in domain or "#" in domain:
        return "has a query or fragment"
    if len(parts.hostname or "") > MAX_HOST:
        return f"has a host longer than {MAX_HOST} characters (the DNS limit)"
    if parts.path not in ("", "/"):
        return "has a path; give only the workspace origin"
    host = parts.hostname or ""
    for suffix in DATABRICKS_HOST_SUFFIXES:
        if host.endswith(suffix):
            labels = host[: -len(suffix)].split(".")
            if all(_DNS_LABEL.match(label) for label in labels):
                return None
    return (
        "has a host that is not a Databricks workspace host "
        f"(<workspace>{', <workspace>'.join(DATABRICKS_HOST_SUFFIXES)})"
    )
