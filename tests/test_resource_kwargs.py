"""``DatabricksBaseConnection`` takes an Args object or keyword inputs, as Pulumi's SDKs do."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from pulumi.dynamic import Resource

from provider import DatabricksBaseConnection, DatabricksBaseConnectionArgs

INPUTS: dict[str, Any] = {
    "name": "sales",
    "domain": "https://adb-1234567890123456.7.azuredatabricks.net",
    "cluster_id": "0123-456789-abcdefgh",
    "access_token": "dapi-KWARGS-TEST-0001",
    "database": "sales",
    "catalog": "main",
    "sandbox_name": "dev",
}


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any], Any]]:
    """What each construction hands to Pulumi (resource name, props, options), not registered."""
    seen: list[tuple[str, dict[str, Any], Any]] = []

    def capture(self: Any, provider: Any, name: str, props: dict[str, Any], opts: Any) -> None:
        seen.append((name, props, opts))

    monkeypatch.setattr(Resource, "__init__", capture)
    monkeypatch.setattr(pulumi.Output, "secret", staticmethod(lambda value: ("secret", value)))
    return seen


def test_keyword_form_equals_args_form(registered: list[tuple[str, dict[str, Any], Any]]) -> None:
    """Keyword inputs give the same props and options as the Args object."""
    opts = pulumi.ResourceOptions(protect=True)
    DatabricksBaseConnection("sales", DatabricksBaseConnectionArgs(**INPUTS), opts)
    DatabricksBaseConnection("sales", opts, **INPUTS)
    DatabricksBaseConnection("sales", opts=opts, **INPUTS)
    DatabricksBaseConnection("sales", args=DatabricksBaseConnectionArgs(**INPUTS), opts=opts)
    first = registered[0]
    assert first[1]["access_token"] == ("secret", INPUTS["access_token"])
    assert first[1]["catalog"] == "main"
    for other in registered[1:]:
        assert other[0] == first[0]
        assert other[1] == first[1]
        assert other[2].protect is True


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: DatabricksBaseConnection("s", DatabricksBaseConnectionArgs(**INPUTS), name="x"),
         "not both"),
        (lambda: DatabricksBaseConnection("s", **{k: v for k, v in INPUTS.items()
                                                  if k != "domain"}), "domain"),
        (lambda: DatabricksBaseConnection("s", **INPUTS, colour="red"), "colour"),
        (lambda: DatabricksBaseConnection("s", "not-options", **INPUTS),  # type: ignore[call-overload]
         "ResourceOptions"),
    ],
    ids=["both-forms", "missing-input", "unknown-input", "bad-second-argument"],
)
def test_wrong_calls_are_type_errors(
    registered: list[tuple[str, dict[str, Any], Any]], call: Any, words: str
) -> None:
    """Mixing the forms, a missing or unknown input, or a stray positional is a TypeError."""
    with pytest.raises(TypeError, match=words):
        call()
    assert registered == []
