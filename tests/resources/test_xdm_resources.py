"""The schema-as-code mappings, pure: bodies and read-backs, Adobe's evolution rules at diff
(no request), the check rules, and the narrow "gone" proofs."""

from __future__ import annotations

from typing import Any

import pytest

from provider import lifecycle
from provider.errors import UnexpectedAnswerError
from provider.lifecycle import Lifecycle, is_unknown
from provider.resources import xdm_calls
from provider.resources.dataset import DATASET_API, tags
from provider.resources.xdm_field_group import (
    XDM_FIELD_GROUP_API,
    fields_of,
    group_body,
    normal,
)
from provider.resources.xdm_schema import XDM_SCHEMA_API, same_field

GROUP: dict[str, Any] = {
    "title": "Loyalty", "extends": "profile", "sandbox_name": "dev",
    "fields": [{"name": "crmId", "type": "string", "required": True},
               {"name": "loyalty.points", "type": "integer"},
               {"name": "loyalty.since", "type": "date", "title": "Member since"}]}
SCHEMA: dict[str, Any] = {
    "title": "Customers", "schema_class": "profile", "sandbox_name": "dev",
    "field_groups": ["https://ns.adobe.com/acme/mixins/a"],
    "primary_identity": {"field": "crmId", "namespace": "Email"}, "profile_enabled": True}


def test_a_field_group_body_nests_dotted_names_under_the_tenant_and_reads_back() -> None:
    """Fields live under _{tenant}; dotted names are objects; required is the parent's list;
    the read-back gives the declared fields again."""
    body = group_body(GROUP, "acme")
    tenant = body["definitions"]["customFields"]["properties"]["_acme"]
    assert tenant["required"] == ["crmId"]
    assert tenant["properties"]["loyalty"]["properties"]["since"] == {
        "type": "string", "format": "date", "title": "Member since"}
    assert body["meta:intendedToExtend"] == ["https://ns.adobe.com/xdm/context/profile"]
    assert normal(fields_of(body)) == normal(GROUP["fields"])


def test_an_added_field_is_an_update_without_warning() -> None:
    """Adding a field is additive: an update, no replace, no warning."""
    news = {**GROUP, "fields": [*GROUP["fields"], {"name": "loyalty.tier", "type": "string"}]}
    found = XDM_FIELD_GROUP_API.diff_props(GROUP, news, is_unknown)
    assert found.changed == ("fields",)
    assert found.replaces == ()
    assert XDM_FIELD_GROUP_API.warnings(GROUP, news) == []


@pytest.mark.parametrize(("fields", "named"), [
    ([{"name": "crmId", "type": "string"}, {"name": "loyalty.since", "type": "date"}],
     "field /loyalty/points was removed or renamed"),
    ([{"name": "crmId", "type": "string"}, {"name": "loyalty.points", "type": "long"},
      {"name": "loyalty.since", "type": "date"}],
     "field /loyalty/points: meta:xdmType changed from 'int' to 'long'"),
])
def test_a_breaking_field_change_replaces_and_warns_naming_the_field(
        fields: list[dict[str, Any]], named: str) -> None:
    """A removed or retyped field replaces the field group; the warning names the field and
    quotes Adobe's rule."""
    news = {**GROUP, "fields": fields}
    assert XDM_FIELD_GROUP_API.diff_props(GROUP, news, is_unknown).replaces == ("fields",)
    [warning] = XDM_FIELD_GROUP_API.warnings(GROUP, news)
    assert named in warning
    assert "only additive changes can be made to it" in warning


def test_the_field_order_and_a_default_title_are_no_change() -> None:
    """Reordered fields and a title equal to the name's last part diff as nothing."""
    news = {**GROUP, "fields": [{**f, "title": f["name"].rsplit(".", 1)[-1]}
                                if "title" not in f else f for f in reversed(GROUP["fields"])]}
    assert XDM_FIELD_GROUP_API.diff_props(GROUP, news, is_unknown).changed == ()


def test_a_class_named_by_alias_or_by_id_is_no_change() -> None:
    """An imported field group or schema (class read as its $id) diffs as nothing against the
    program naming the alias; another class still replaces."""
    profile = "https://ns.adobe.com/xdm/context/profile"
    assert XDM_FIELD_GROUP_API.diff_props({**GROUP, "extends": profile}, GROUP,
                                          is_unknown).changed == ()
    assert XDM_SCHEMA_API.diff_props({**SCHEMA, "schema_class": profile}, SCHEMA,
                                     is_unknown).changed == ()
    other = XDM_FIELD_GROUP_API.diff_props({**GROUP, "extends": "experience_event"}, GROUP,
                                           is_unknown)
    assert other.replaces == ("extends",)


@pytest.mark.parametrize(("fields", "path", "reason"), [
    ([{"name": "a", "type": "string"}, {"name": "a", "type": "string"}], "fields",
     "field 'a' is declared twice"),
    ([{"name": "a", "type": "string"}, {"name": "a.b", "type": "string"}], "fields",
     "'a' is a field and also holds fields"),
    ([{"name": "a", "type": "map"}], "fields[0].type", "fields[0].type must be one of"),
    ([{"name": "1a", "type": "string"}], "fields[0].name", "fields[0].name must be letters"),
])
def test_bad_fields_fail_check(fields: list[dict[str, Any]], path: str, reason: str) -> None:
    """Check names the bad field and why, with no request."""
    failures = XDM_FIELD_GROUP_API.check_inputs({**GROUP, "fields": fields}, is_unknown)
    assert any(p == path and reason in r for p, r in failures), failures


def test_a_schema_losing_a_field_group_or_its_class_is_replaced_with_a_warning() -> None:
    """Removing a field group or changing the class replaces; adding one updates."""
    fewer = {**SCHEMA, "field_groups": []}
    assert XDM_SCHEMA_API.diff_props(SCHEMA, fewer, is_unknown).replaces == ("field_groups",)
    [warning] = XDM_SCHEMA_API.warnings(SCHEMA, fewer)
    assert "field group https://ns.adobe.com/acme/mixins/a was removed" in warning
    other = {**SCHEMA, "schema_class": "experience_event"}
    assert XDM_SCHEMA_API.diff_props(SCHEMA, other, is_unknown).replaces == ("schema_class",)
    assert "the class changed from" in XDM_SCHEMA_API.warnings(SCHEMA, other)[0]
    more = {**SCHEMA, "field_groups": [*SCHEMA["field_groups"], "https://ns.adobe.com/acme/x"]}
    found = XDM_SCHEMA_API.diff_props(SCHEMA, more, is_unknown)
    assert (found.changed, found.replaces) == (("field_groups",), ())


@pytest.mark.parametrize(("spelling", "says"), [("state", "profile_enabled"),
                                                ("schema", "profileEnabled")])
def test_turning_profile_off_fails_check_in_the_doors_spelling(spelling: str,
                                                              says: str) -> None:
    """Check with the old inputs refuses profile_enabled true -> false, in the door's words."""
    core = Lifecycle(None, "dev", api=XDM_SCHEMA_API, spelling=spelling)
    failures = core.check({**SCHEMA, "profile_enabled": False}, SCHEMA).failures
    assert ("profile_enabled", f"{says} cannot go from true to false: Adobe never disables "
            "Profile on a schema (its union tag is set once and never removed); keep "
            f"{says}: true, or declare a new schema") in failures


def test_profile_needs_a_primary_identity() -> None:
    """A Profile schema without a primary identity fails check."""
    failures = XDM_SCHEMA_API.check_inputs({**SCHEMA, "primary_identity": None}, is_unknown)
    assert [p for p, _ in failures] == ["profile_enabled"]


def test_a_breaking_change_warns_at_diff_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """The core writes the mapping's warning where the engine shows a provider's stderr."""
    core = Lifecycle(None, "dev", api=XDM_FIELD_GROUP_API)
    core.diff(GROUP, {**GROUP, "fields": GROUP["fields"][:1]})
    assert capsys.readouterr().err.startswith(
        "warning: field group 'Loyalty' will be replaced, not updated: field /loyalty was "
        "removed or renamed")


def test_a_registry_edit_version_in_a_content_type_fails_check() -> None:
    """A dataset's schema_version naming 1.3 (the registry's edit version) is refused."""
    props = {"name": "d", "schema_id": "https://ns.adobe.com/acme/schemas/abc",
             "schema_version": "application/vnd.adobe.xed+json;version=1.3",
             "sandbox_name": "dev"}
    [(path, reason)] = DATASET_API.check_inputs(props, is_unknown)
    assert path == "schema_version"
    assert "the registry's edit version" in reason


def test_dataset_tags_turn_profile_off_explicitly() -> None:
    """An update sends both tags, so Profile can be turned off; a create only the true ones."""
    assert tags({"profile_enabled": False, "identity_enabled": True}, explicit=True) == {
        "unifiedProfile": ["enabled:false"], "unifiedIdentity": ["enabled:true"]}
    assert tags({"profile_enabled": False}, explicit=False) == {}


def test_gone_is_proven_only_by_the_services_answer_for_that_id() -> None:
    """XDM-1010-404 naming the id, Catalog's 'Dataset <id> not found'; nothing else."""
    alt = "_acme.schemas.abc"
    detail = {"detail": f"The requested schema resource {alt} with version 1 is not found."}
    assert xdm_calls.registry_gone(detail, "1010-404", alt)
    assert not xdm_calls.registry_gone(detail, "1010-404", "_acme.schemas.other")
    assert not xdm_calls.registry_gone(detail, "2101-404", alt)
    assert xdm_calls.catalog_gone({"detail": "Dataset 5c8c3c555033b814b69f947f not found."},
                                  None, "5c8c3c555033b814b69f947f")
    assert not xdm_calls.catalog_gone({"detail": "Sandbox dev not found."}, None, "dev")


def test_an_id_that_is_not_one_path_segment_is_refused() -> None:
    """An id with a slash or .. never reaches a URL."""
    with pytest.raises(UnexpectedAnswerError):
        xdm_calls.segment("../tenant/schemas/x")
    assert xdm_calls.segment("https://ns.adobe.com/acme/schemas/a") == (
        "https%3A%2F%2Fns.adobe.com%2Facme%2Fschemas%2Fa")


def test_a_descriptor_path_matches_the_declared_dotted_name() -> None:
    """/_tenant/a/b is the declared a.b; an XDM path matches itself only."""
    assert same_field("/_acme/loyalty/points", "loyalty.points")
    assert not same_field("/_acme/loyalty/tier", "loyalty.points")
    assert same_field("/personalEmail/address", "/personalEmail/address")


def test_the_unknown_sentinel_is_the_cores() -> None:
    """The mappings judge unknowns with the core's sentinel: an unknown field list is no
    breaking change (it is judged at up)."""
    assert XDM_FIELD_GROUP_API.warnings(GROUP, {**GROUP, "fields": lifecycle.UNKNOWN}) == []


def test_a_target_connection_refuses_the_registry_version_at_check() -> None:
    """A target connection's schema_version wired from a schema's registry version (1.3) fails
    check at up, when the output is known, before any request."""
    from provider.pipeline_api import TARGET_CONNECTION

    props = {"name": "t", "dataset_id": "5c8c3c555033b814b69f947f",
             "schema_id": "https://ns.adobe.com/acme/schemas/abc", "sandbox_name": "dev",
             "schema_version": "application/vnd.adobe.xed-full+json;version=1.3",
             "format": "parquet_xdm"}
    [(path, reason)] = TARGET_CONNECTION.check_inputs(props, is_unknown)
    assert path == "schema_version"
    assert "looks like the registry's edit version" in reason
    assert TARGET_CONNECTION.check_inputs(
        {**props, "schema_version": "application/vnd.adobe.xed-full+json;version=1"},
        is_unknown) == []


def test_a_malformed_tenant_id_setting_is_refused_naming_the_key() -> None:
    """aep:tenantId with its underscore (the namespace, not the id) is a configuration error."""
    from provider.errors import ConfigurationError
    from provider.settings import ProviderSettings

    config = {"aep:clientId": "client", "aep:orgId": "ORG@AdobeOrg",
              "aep:clientSecret": "secret-0123456789", "aep:tenantId": "_acme"}
    with pytest.raises(ConfigurationError, match=r"aep:tenantId \(AEP_TENANT_ID\) must be"):
        ProviderSettings.from_config(config.get, {})
    assert ProviderSettings.from_config({**config, "aep:tenantId": "acme"}.get,
                                        {}).tenant_id == "acme"
