"""``provider.resources.staging_credentials``: the pure parts of the staging credentials' API
mapping."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

# The pack's modules import their siblings (_registry, _schedule) as the engine runs them: with
# the pack directory on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "policy"))

from policy import _schedule, pipeline_policies
from provider import lifecycle
from provider.emulator import Emulator
from provider.resources import staging_credentials as staging
from provider.resources.staging_credentials import DATABRICKS_STAGING_CREDENTIALS as SPEC
from tests.pipeline_http import Platform


def test_policy_rule_reads_this_resources_properties() -> None:
    """The expiry rule's property names exist in both spellings of the field table."""
    names = ("expiry_date", "sandbox_name", *pipeline_policies._SECRET_OUTPUTS)
    for name in names:
        field = SPEC.by_state(name)
        assert field is not None, name
        assert field.schema == _schedule.camel(name)
    assert set(pipeline_policies._SECRET_OUTPUTS) == {f.state for f in SPEC.fields if f.secret}
    assert SPEC.name == pipeline_policies.STAGING_CREDENTIALS


def test_rotation_only_when_the_trigger_is_set_or_changed() -> None:
    """Set or changed rotates; equal or unset does not."""
    assert staging.rotates({}, {"rotation_trigger": "a"})
    assert staging.rotates({"rotation_trigger": "a"}, {"rotation_trigger": "b"})
    assert not staging.rotates({"rotation_trigger": "a"}, {"rotation_trigger": "a"})
    assert not staging.rotates({"rotation_trigger": "a"}, {})


def test_diff_replaces_on_sandbox_only() -> None:
    """A sandbox change replaces; a trigger change updates; an unknown trigger is a change."""
    olds = {"sandbox_name": "dev", "rotation_trigger": "a"}
    moved = staging.diff_props(olds, {**olds, "sandbox_name": "prod"}, lifecycle.is_unknown)
    assert moved.replaces == ("sandbox_name",)
    rotated = staging.diff_props(olds, {**olds, "rotation_trigger": lifecycle.UNKNOWN},
                                 lifecycle.is_unknown)
    assert rotated.changed == ("rotation_trigger",)
    assert rotated.replaces == ()
    assert staging.diff_props(olds, dict(olds), lifecycle.is_unknown).changed == ()


def test_update_preview_marks_the_token_unknown() -> None:
    """An update preview shows every output a rotation changes as unknown, so dependent
    clusters show the change at preview."""
    core = lifecycle.Lifecycle(None, "dev", api=staging)
    olds = {"sandbox_name": "dev", "credentials_id": "o/dev/dlz_databricks_source",
            "container_name": "c", "storage_account_name": "a", "sas_token": "t",
            "sas_uri": "u", "expiry_date": "2026-12-06", "spark_conf": {"k": "t"}}
    outs = core.preview_update(olds, {"sandbox_name": "dev", "rotation_trigger": "x"}).outputs
    assert {k for k, v in outs.items() if v == lifecycle.UNKNOWN} == set(
        staging.CHANGING_OUTPUTS)
    assert outs["container_name"] == "c"
    assert outs["rotation_trigger"] == "x"


def test_check_requires_a_sandbox_and_a_string_trigger() -> None:
    """Check names a missing sandbox and a trigger that is not a string."""
    failures = dict(staging.check_inputs({"rotation_trigger": 3}, lifecycle.is_unknown))
    assert set(failures) == {"sandbox_name", "rotation_trigger"}


def test_provider_class_path_is_stable() -> None:
    """__provider pickles the class by reference: its module and name are part of state."""
    from provider.staging_resource import TYPE_TOKEN, DatabricksStagingCredentialsProvider

    cls = DatabricksStagingCredentialsProvider
    assert (cls.__module__, cls.__qualname__) == ("provider.staging_resource",
                                                  "DatabricksStagingCredentialsProvider")
    assert TYPE_TOKEN == "pulumi-python:dynamic/aep:DatabricksStagingCredentials"
    assert SPEC.token == "aep:index:DatabricksStagingCredentials"


def test_expiry_policy_over_this_resources_outputs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The expiry rule reads the outputs this resource really produces, in both doors'
    spellings, reports them with the rotation command, and never shows the token."""
    from tests.policy.test_pipeline_policies import DYNAMIC, NATIVE, pp, resource, run, stack

    monkeypatch.setattr(pp, "today", lambda: date(2026, 12, 1))
    token = "sv=2020-10-02&sr=c&sp=racwdlm&se=2026-12-03&sig=OUTPUTSIGNATURE0123456789abc"
    answer = {"id": "org/prod/dlz_databricks_source", "containerName": "dlz-databricks-container",
              "storageAccountName": "sndbxdtlnexample", "SASToken": token,
              "SASUri": f"https://sndbxdtlnexample.blob.core.windows.net/c?{token}",
              "expiryDate": "2026-12-03"}
    outs, _ = staging.from_api(answer, {"sandbox_name": "prod"})
    for type_, props in ((DYNAMIC, outs), (NATIVE, SPEC.to_schema(outs))):
        (message,) = run("staging-credentials-expiry", stack(
            resource("staging", type_ + SPEC.name, props)))
        assert "expires on 2026-12-03 (in 2 days)" in message
        assert "aep:stagingRotationTrigger" in message
        assert token not in message
        assert "OUTPUTSIGNATURE" not in message


def test_reading_an_id_of_another_sandbox_is_refused_before_any_call() -> None:
    """An import whose id names another sandbox than the one read fails naming the fix; the
    client is never used."""
    from provider.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"set sandbox_name .* to 'prod'"):
        staging.get(None, "dev", "org@AdobeOrg/prod/dlz_databricks_source")  # type: ignore[arg-type]
    assert staging.id_sandbox("org@AdobeOrg/dev/dlz_databricks_source") == "dev"
    assert staging.id_sandbox("something-else") is None


@pytest.mark.parametrize(("key", "value"), [
    ("containerName", "dlz.evil"), ("containerName", "dlz-\x1b]0;owned\x07"),
    ("storageAccountName", "Upper"), ("storageAccountName", "acct.blob.core.windows.net#"),
])
def test_a_credentials_answer_with_a_non_azure_name_is_refused(key: str, value: str) -> None:
    """A container or account name Azure would not allow (a dot that splits the Spark config
    key, a terminal escape shown in outputs) is an unexpected answer, never an output."""
    from provider.errors import UnexpectedAnswerError

    answer = {"containerName": "dlz-databricks-container", "storageAccountName": "sndbxdtln1",
              "SASToken": "sv=2020&sig=red-team-token", "SASUri": "https://sndbxdtln1.blob.core.windows.net/c?sig=red-team-token",
              key: value}
    with pytest.raises(UnexpectedAnswerError) as caught:
        staging.credentials(answer)
    assert "red-team-token" not in str(caught.value)
    assert "\x1b" not in str(caught.value)
    assert staging.credentials({**answer, key: "ok-name1" if key == "containerName"
                                else "sndbxdtln1"})["container_name"]


def test_an_id_naming_the_sandbox_in_other_case_is_the_same_sandbox() -> None:
    """An import id typed 'Prod' reads sandbox prod (names are case-insensitive): it was refused
    with advice ('set sandbox_name to Prod') that could never be followed."""
    calls: list[tuple[Any, ...]] = []

    class Client:
        org_id = "org@AdobeOrg"

        def request_json(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            calls.append(args)
            return {"containerName": "dlz-databricks-container"}

    item = staging.get(Client(), "Prod", "org@AdobeOrg/Prod/dlz_databricks_source")  # type: ignore[arg-type]
    assert item["id"] == "org@AdobeOrg/Prod/dlz_databricks_source"
    assert len(calls) == 1
    item = staging.get(Client(), "prod", "org@AdobeOrg/Prod/dlz_databricks_source")  # type: ignore[arg-type]
    assert len(calls) == 2


GOOD_ANSWER = {"containerName": "dlz-databricks-container", "storageAccountName": "sndbxdtln1",
               "SASToken": "sv=2020&sig=red-team-token", "expiryDate": "2025-07-05",
               "SASUri": "https://sndbxdtln1.blob.core.windows.net/dlz-databricks-container"
                         "?sv=2020&sig=red-team-token"}


@pytest.mark.parametrize("expiry", ["2025-07-05", "2025-07-05T10:00:00Z",
                                    "2025-07-05T10:00:00.123+02:00", None])
def test_an_iso_8601_expiry_is_taken(expiry: str | None) -> None:
    """An ``expiryDate`` that is an ISO-8601 date or date-time (or absent) becomes the output."""
    assert staging.credentials({**GOOD_ANSWER, "expiryDate": expiry})["expiry_date"] == expiry


@pytest.mark.parametrize(("key", "value"), [
    ("expiryDate", "2025-07-05\x1b]0;owned\x07"), ("expiryDate", "\x1b[2J"),
    ("expiryDate", "2025-13-45"), ("expiryDate", "next tuesday"), ("expiryDate", 20250705),
    ("SASUri", "http://sndbxdtln1.blob.core.windows.net/c?sig=red-team-token"),
    ("SASUri", "https://evil.example.com/c?sig=red-team-token"),
    ("SASUri", "https://sndbxdtln1.blob.core.windows.net.evil.example/c?sig=red-team-token"),
    ("SASUri", "https://user@sndbxdtln1.blob.core.windows.net/c?sig=red-team-token"),
    ("SASUri", "https://other1.blob.core.windows.net/c?sig=red-team-token"),
    ("SASUri", "https://sndbxdtln1.blob.core.windows.net/c\x1b[2J?sig=red-team-token"),
    ("SASUri", ["https://sndbxdtln1.blob.core.windows.net/"]),
])
def test_server_text_that_is_not_what_it_claims_is_refused(key: str, value: Any) -> None:
    """An ``expiryDate`` that is no ISO-8601 date or time (a terminal escape printed during
    `pulumi up`) or a ``SASUri`` that is no https URL on the account's blob host is an
    unexpected answer; the message echoes neither the value nor the token."""
    from provider.errors import UnexpectedAnswerError

    with pytest.raises(UnexpectedAnswerError, match=key) as caught:
        staging.credentials({**GOOD_ANSWER, key: value})
    assert "red-team-token" not in str(caught.value)
    assert "\x1b" not in str(caught.value)
    assert staging.credentials(GOOD_ANSWER)["sas_uri"] == GOOD_ANSWER["SASUri"]


@pytest.mark.parametrize("id_", [
    "other@AdobeOrg/dev/dlz_databricks_source", "org@AdobeOrg/dev/dlz_other_type",
    "something-else", "org@AdobeOrg/dev",
    "org@AdobeOrg/dev/dlz_databricks_source/extra",
])
def test_a_foreign_staging_import_id_is_refused_before_any_call(id_: str) -> None:
    """An import id that does not name this org, a well-formed sandbox and the Databricks type
    is refused with the id to use; nothing is sent (any id was accepted before)."""
    from provider.errors import ConfigurationError

    class Client:
        org_id = "org@AdobeOrg"

        def request_json(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
            raise AssertionError("no request may be sent")

    with pytest.raises(ConfigurationError, match="org@AdobeOrg/dev/dlz_databricks_source"):
        staging.get(Client(), "dev", id_)  # type: ignore[arg-type]


def test_staging_outputs_and_spark_conf() -> None:
    """The Spark config holds exactly Adobe's one entry; outputs carry the answer's fields."""
    with Emulator() as emu:
        platform = Platform(emu)
        answer = platform.ok(
            "GET", "/data/foundation/connectors/landingzone/credentials?type="
            + staging.STAGING_CREDENTIAL_TYPE)
        platform.close()
    outputs = staging.staging_outputs(answer)
    key = (f"fs.azure.sas.{answer['containerName']}.{answer['storageAccountName']}"
           ".blob.core.windows.net")
    assert outputs["spark_conf"] == {key: answer["SASToken"]}
    assert outputs["sas_token"] == answer["SASToken"]
    assert outputs["expiry_date"] == answer["expiryDate"]


def test_old_import_paths_name_the_same_mapping_and_table() -> None:
    """``provider.staging``, ``provider.fields`` and ``provider.pipeline_model`` still give the
    moved mapping, field table and credential outputs."""
    from provider import fields, pipeline_model
    from provider import staging as old

    assert old.get is staging.get
    assert old.SPEC is SPEC
    assert fields.DATABRICKS_STAGING_CREDENTIALS is SPEC
    assert pipeline_model.staging_outputs is staging.staging_outputs
    assert pipeline_model.STAGING_CREDENTIAL_TYPE == staging.STAGING_CREDENTIAL_TYPE
