"""The ingestion-path command-line flags and their mapping onto PipelineOptions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from provider.emulator import pipeline
from provider.emulator.__main__ import build_parser


def test_defaults() -> None:
    """No flags: the documented defaults (demo catalogue, 7-day tokens, strings, checks on)."""
    options = pipeline.options_from(build_parser().parse_args([]))
    assert options.staging_ttl == 7 * 86400
    assert options.schedule_types == "spec"
    assert options.action_bumps_etag
    assert options.check_source_table
    assert not options.base_in_use_by_source
    assert not options.missing_version_not_found
    assert options.catalogue.table("sales.orders") is not None


def test_flags_and_catalogue_file(tmp_path: Path) -> None:
    """Every flag maps onto its option; --catalogue reads the JSON format."""
    file = tmp_path / "catalogue.json"
    file.write_text(json.dumps({"tables": [{"path": "a.b", "columns": [{"name": "c"}]}]}))
    args = build_parser().parse_args([
        "--catalogue", str(file), "--staging-ttl", "60", "--schedule-types", "strings",
        "--action-keeps-etag", "--no-check-source-table", "--base-in-use-by-source",
        "--missing-version-not-found",
    ])
    options = pipeline.options_from(args)
    assert [t.path for t in options.catalogue.tables] == ["a.b"]
    assert options.staging_ttl == 60
    assert options.schedule_types == "strings"
    assert not options.action_bumps_etag
    assert not options.check_source_table
    assert options.base_in_use_by_source
    assert options.missing_version_not_found


@pytest.mark.parametrize("content", ["not json", '{"tables": 3}'])
def test_bad_catalogue_file_is_a_value_error(tmp_path: Path, content: str) -> None:
    """A malformed catalogue file is a ValueError naming the problem (the CLI prints it)."""
    file = tmp_path / "catalogue.json"
    file.write_text(content)
    args = build_parser().parse_args(["--catalogue", str(file)])
    with pytest.raises(ValueError, match=r"."):
        pipeline.options_from(args)


def test_cli_rejects_a_missing_catalogue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """main() exits 2 with the file named when --catalogue cannot be read."""
    from provider.emulator.__main__ import main

    with pytest.raises(SystemExit) as exited:
        main(["--port", "0", "--catalogue", str(tmp_path / "missing.json")])
    assert exited.value.code == 2
    assert "missing.json" in capsys.readouterr().err
