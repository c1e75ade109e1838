"""Schema as code's advice: replacements, Profile, schemas and field groups Adobe keeps, schema
references that disagree. Part of ``provider.advice`` (re-exported there)."""

from __future__ import annotations

# -- schema as code ----------------------------------------------------------------------------


def breaking_replace(noun: str, title: object, changes: list[str]) -> str:
    """A preview's warning: a non-additive XDM change replaces the resource (``changes`` from
    ``provider.xdm.breaking_changes``, each quoting Adobe's rule)."""
    return (f"{noun} {title!r} will be replaced, not updated: " + " | ".join(changes)
            + ". The replacement gets a new id: whatever names the old one (schemas, datasets, "
            "dataflows) must move to it. To update in place instead, keep the field as it was "
            "and add a new one")


def profile_never_disabled() -> str:
    """Check's refusal of ``profile_enabled`` going from true to false on a schema."""
    return ("profile_enabled cannot go from true to false: Adobe never disables Profile on a "
            "schema (its union tag is set once and never removed); keep profile_enabled: "
            "true, or declare a new schema")


def profile_schema_kept(id_: str, sandbox: str) -> str:
    """The notice of a destroyed Profile-enabled schema (no request is sent)."""
    return (f"schema {id_} in sandbox {sandbox!r} was removed from the stack but not deleted: "
            "Adobe never deletes a schema enabled for Profile, so it stays in AEP")


def schema_not_deleted(alt_id: str, failure: str) -> str:
    """A schema create whose later step failed could not delete its new schema again: the
    schema is kept in the stack as it was made (the core says so, and what to do)."""
    return (f"Deleting the new schema {alt_id} again failed too ({failure}), so it exists, "
            "not yet as declared (its primary identity or Profile is missing)")


def field_group_kept(id_: str, sandbox: str, detail: str) -> str:
    """The notice of a destroyed field group a schema still uses (a Profile-enabled schema
    Adobe never deletes): it stays in AEP."""
    return (f"field group {id_} in sandbox {sandbox!r} was removed from the stack but not "
            f"deleted: a schema still uses it ({detail})")


def schema_ref_mismatch(problems: list[str]) -> str:
    """Check's refusal of a schema reference that disagrees with another of the same path."""
    return ("the schema references of this ingestion path disagree: " + "; ".join(problems)
            + ". Wire every schema_id and schema_version from one XdmSchema's schema_id and "
            "content_type outputs")
