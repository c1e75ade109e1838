"""The check rules: one failure per bad property, naming it, with no network."""

from __future__ import annotations

from typing import Any

import pytest

from provider.validation import check_inputs, domain_problem, sandbox_problem

GOOD: dict[str, Any] = {
    "name": "sales-databricks",
    "description": "Sales lakehouse. owner: data-platform",
    "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
    "cluster_id": "0123-456789-abcde123",
    "access_token": "dapi0123456789abcdef0123456789abcdef",
    "database": "acme-db",
    "catalog": "main",
    "sandbox_name": "prod",
    "adopt_existing": False,
}


class _Unknown:
    pass


UNKNOWN = _Unknown()


def failures_for(**changes: Any) -> list[tuple[str, str]]:
    props = {**GOOD, **changes}
    props = {k: v for k, v in props.items() if v is not _MISSING}
    return check_inputs(props, lambda v: v is UNKNOWN)


_MISSING = object()


def test_good_inputs_pass() -> None:
    """A complete, valid set of inputs has no failure."""
    assert failures_for() == []


def test_optional_fields_may_be_absent() -> None:
    """description, catalog and adopt_existing are optional."""
    assert failures_for(description=_MISSING, catalog=_MISSING, adopt_existing=_MISSING) == []


# (property, bad value, words the reason must contain)
BAD: list[tuple[str, Any, str]] = [
    ("name", _MISSING, "required"),
    ("name", "", "empty"),
    ("name", "   ", "empty"),
    ("name", " padded", "spaces"),
    ("name", "two\nlines", "control"),
    ("name", "bell\x07", "control"),
    ("name", "x" * 257, "at most 256"),
    ("name", 42.0, "string"),
    ("description", "tab\x00null", "control"),
    ("description", "d" * 4097, "at most 4096"),
    ("domain", _MISSING, "required"),
    ("domain", "http://adb-1.7.azuredatabricks.net", "https"),
    ("domain", "adb-1.7.azuredatabricks.net", "https"),
    ("domain", "https://example.com", "not a Databricks"),
    ("domain", "https://azuredatabricks.net.evil.com", "not a Databricks"),
    ("domain", "https://adb-1.7.azuredatabricks.net/some/path", "path"),
    ("domain", "https://adb-1.7.azuredatabricks.net?x=1", "query or fragment"),
    ("domain", "https://user:pw@adb-1.7.azuredatabricks.net", "credentials"),
    ("domain", "https://adb-1.7.azuredatabricks.net:8443", "port"),
    ("domain", "https://-bad.cloud.databricks.com", "not a Databricks"),
    ("domain", " https://adb-1.7.azuredatabricks.net", "whitespace"),
    ("domain", ["https://adb-1.7.azuredatabricks.net"], "string"),
    ("cluster_id", "", "empty"),
    ("cluster_id", "id with space", "cluster id"),
    ("access_token", _MISSING, "required"),
    ("access_token", "", "empty"),
    ("access_token", "dapi 123", "spaces"),
    ("access_token", 123.0, "string"),
    ("database", "", "empty"),
    ("database", "db\r", "spaces"),
    ("catalog", "", "empty"),
    ("sandbox_name", _MISSING, "required"),
    ("sandbox_name", "Prod", "lowercase"),
    ("sandbox_name", "my sandbox", "lowercase"),
    ("sandbox_name", "-dev", "lowercase"),
    ("sandbox_name", "dev_1", "lowercase"),
    ("adopt_existing", "yes", "true or false"),
    ("name", "invoice\u202egnp.exe", "bidirectional"),
    ("name", "admin\u200b", "zero-width"),
    ("name", "C1\x85next", "control"),
    ("name", "line\u2028sep", "control"),
    ("name", "para\u2029sep", "control"),
    ("name", "isolate\u2066x\u2069", "bidirectional"),
    ("description", "owner: me\u202e", "bidirectional"),
    ("description", "bom\ufeff", "zero-width"),
    ("description", "line\u2028sep", "control"),
    ("domain", "https://adb-1.7.azuredatabricks.net?", "query or fragment"),
    ("domain", "https://adb-1.7.azuredatabricks.net#", "query or fragment"),
    ("domain", "https://adb-1.7.azuredatabricks.net:", "port"),
    ("domain", "https://" + "a" * 64 + ".azuredatabricks.net", "not a Databricks"),
    ("domain", "https://" + ".".join(["a" * 60] * 4) + ".azuredatabricks.net", "253"),
    ("access_token", "dapi123", "shorter than 8"),
]


@pytest.mark.parametrize(("prop", "value", "words"), BAD, ids=[f"{p}-{i}" for i, (p, _, _) in
                                                             enumerate(BAD)])
def test_each_bad_input_fails_on_its_property(prop: str, value: Any, words: str) -> None:
    """A bad value gives exactly one failure, on that property, saying what is wrong."""
    failures = failures_for(**{prop: value})
    assert len(failures) == 1, failures
    assert failures[0][0] == prop
    assert words.lower() in failures[0][1].lower()


def test_unknown_property_is_named() -> None:
    """A misspelt property is reported, with the known ones listed."""
    failures = failures_for(clusterId="x")
    assert failures == [("clusterId", failures[0][1])]
    assert "cluster_id" in failures[0][1]


def test_several_bad_properties_give_one_failure_each() -> None:
    """Every bad property is reported at once, not only the first."""
    props = {k for k, _ in failures_for(name="", domain="http://x", sandbox_name="PROD")}
    assert props == {"name", "domain", "sandbox_name"}


def test_preview_unknowns_are_skipped() -> None:
    """Values unknown during preview are not judged."""
    assert failures_for(domain=UNKNOWN, sandbox_name=UNKNOWN, access_token=UNKNOWN) == []


def test_token_value_never_appears_in_a_reason() -> None:
    """The access token is a secret: no reason quotes it."""
    token = "dapi secret-value-with-space"
    failures = failures_for(access_token=token)
    assert failures
    assert all(token not in reason for _, reason in failures)


@pytest.mark.parametrize("host", ["adb-1.7.azuredatabricks.net", "acme.cloud.databricks.com",
                                  "1234567890.1.gcp.databricks.com"])
def test_each_databricks_cloud_host_is_accepted(host: str) -> None:
    """Azure, AWS and GCP workspace hosts are all valid domains."""
    assert domain_problem(f"https://{host}") is None
    assert domain_problem(f"https://{host}/") is None


@pytest.mark.parametrize("name", ["prod", "dev", "dev-emea-2", "a"])
def test_valid_sandbox_names(name: str) -> None:
    """Lowercase sandbox names with digits and hyphens are valid."""
    assert sandbox_problem(name) is None


def test_a_five_megabyte_domain_label_is_refused_with_a_short_reason() -> None:
    """A 5 MB domain is refused by the DNS length limits, with a reason that stays short."""
    failures = failures_for(domain="https://" + "a" * 5_000_000 + ".azuredatabricks.net")
    assert [prop for prop, _ in failures] == ["domain"]
    assert len(failures[0][1]) < 300
