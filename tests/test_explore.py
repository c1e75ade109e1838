"""python -m provider.explore and its library functions, against the emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from client_fixtures import databricks_body, make_client, start_emulator

from provider.emulator import Emulator
from provider.explore import describe_table, list_tables, main


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """One emulator for the module."""
    emulator = start_emulator()
    yield emulator
    emulator.stop()


@pytest.fixture(scope="module")
def connection_id(emu: Emulator) -> str:
    """A base connection in sandbox ``explore``."""
    return make_client(emu).create_connection("explore", databricks_body("sales")).id


def env(emu: Emulator) -> dict[str, str]:
    """The AEP_* settings for the emulator (its demo credentials)."""
    return {"AEP_CLIENT_ID": emu.client_id, "AEP_CLIENT_SECRET": emu.client_secret,
            "AEP_ORG_ID": emu.org_id, "AEP_PLATFORM_URL": emu.url, "AEP_IMS_URL": emu.url,
            "AEP_SANDBOX_NAME": "explore"}


def test_library_lists_and_describes(emu: Emulator, connection_id: str) -> None:
    """list_tables gives the catalogue's tables; describe_table their columns and XDM types."""
    client = make_client(emu)
    paths = [t.path for t in list_tables(client, "explore", connection_id)]
    assert "sales.orders" in paths
    detail = describe_table(client, "explore", connection_id, "sales.orders", preview=True)
    columns = {c.name: c.xdm for c in detail.columns}
    assert columns["amount"] == "number"
    assert detail.rows is not None
    assert detail.rows[0]["order_id"] == "o-1001"


def test_tables_command_prints_text(emu: Emulator, connection_id: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`tables` prints an aligned listing."""
    assert main(["tables", "--connection-id", connection_id], env(emu)) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["PATH", "NAME", "PREVIEW"]
    assert "sales.customers" in out


def test_table_command_json_with_preview(emu: Emulator, connection_id: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """`table --json --preview` prints columns with XDM types and rows."""
    assert main(["table", "--connection-id", connection_id, "--table", "sales.orders",
                 "--preview", "--json"], env(emu)) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["path"] == "sales.orders"
    assert {"name": "quantity", "type": "int", "xdmType": "integer"} in document["columns"]
    assert len(document["rows"]) == 2


def test_failure_is_one_line_without_secret(emu: Emulator,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown connection exits 1 with one error line and no secret."""
    code = main(["tables", "--connection-id", "00000000-0000-4000-8000-000000000000"], env(emu))
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: ")
    assert "Traceback" not in err
    assert emu.client_secret not in err


def test_missing_settings_name_the_variables(capsys: pytest.CaptureFixture[str]) -> None:
    """Without settings the command says which AEP_* variables to set."""
    assert main(["tables", "--connection-id", "x"], {}) == 1
    assert "AEP_CLIENT_ID" in capsys.readouterr().err


def test_text_output_escapes_terminal_controls_in_names(emu: Emulator, connection_id: str,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    """A catalogue whose column and table names carry ESC/BEL prints them escaped in every
    row, the preview's header row too (it printed column names raw)."""
    from provider.emulator.explore import Catalogue

    evil = "c\x1b]0;owned\x07\x1b[2J"
    saved = emu.catalogue
    emu.catalogue = Catalogue.from_json({"tables": [{
        "path": "sales.evil", "name": "t\x1b[31m",
        "columns": [{"name": evil, "type": "string"}], "rows": [{evil: "v\x1b[5m"}]}]})
    try:
        assert main(["tables", "--connection-id", connection_id], env(emu)) == 0
        assert main(["table", "--connection-id", connection_id, "--table", "sales.evil",
                     "--preview"], env(emu)) == 0
    finally:
        emu.catalogue = saved
    out = capsys.readouterr().out
    assert "\\x1b]0;owned" in out
    assert "\x1b" not in out
    assert "\x07" not in out


def test_a_connection_id_that_is_not_an_id_sends_nothing(emu: Emulator,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """`--connection-id ../flows/x` (a path, not an id) fails on one line before any request."""
    emu.clear_requests()
    assert main(["tables", "--connection-id", "../flows/x"], env(emu)) == 1
    err = capsys.readouterr().err
    assert "is not an id" in err
    assert [r for r in emu.requests if "/explore" in r.path or "/flows" in r.path] == []


def test_test_command_runs_the_connection_test(emu: Emulator, connection_id: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """`test` runs Flow Service's connection test: 0 and "passed" when it answers true; 1 with
    an error naming the connection and what to check when it answers false."""
    assert main(["test", "--connection-id", connection_id], env(emu)) == 0
    assert "the test passed" in capsys.readouterr().out
    emu.set_connection_test(connection_id, False)
    try:
        assert main(["test", "--connection-id", connection_id], env(emu)) == 1
    finally:
        emu.set_connection_test(connection_id, None)
    err = capsys.readouterr().err
    assert connection_id in err
    assert "cluster is running" in err
