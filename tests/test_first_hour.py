"""The first hour's mistakes as `pulumi preview` and `pulumi up` report them, through both doors
(issue #23): a missing setting, a mistyped emulator secret."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from provider.emulator import Emulator
from provider.testing import Engine, HostError, urn_for
from tests.conftest import open_door, stack_config
from tests.engine_fixtures import emu  # noqa: F401

Props = Callable[..., dict[str, Any]]
BARE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("AEP_")}


def check_with(door: str, config: dict[str, str], props: dict[str, Any]
               ) -> list[tuple[str, str]]:
    """The failures of one Check by a host of ``door`` configured with ``config``."""
    with open_door(door, env=BARE_ENV) as host:
        host.configure(config, secret_keys=("aep:clientSecret",))
        _, failures = Engine(host).check(urn_for("sales"), props)
    return list(failures)


def test_only_the_secret_missing_is_one_failure_naming_it(emu: Emulator, props: Props,
                                                          door: str) -> None:
    """A stack with everything but the client secret, and a resource taking its sandbox from
    aep:sandboxName, fails preview once, naming only aep:clientSecret (not `sandbox_name is
    required`, not the keys that are set)."""
    config = stack_config(emu)
    del config["aep:clientSecret"]
    failures = check_with(door, config, props(sandbox_name=None))
    assert len(failures) == 1, failures
    path, reason = failures[0]
    assert path == "aep"
    assert reason.startswith("aep:clientSecret is not set")
    assert "pulumi config set --secret aep:clientSecret" in reason
    for word in ("aep:clientId", "aep:orgId", "sandbox"):
        assert word not in reason


def test_each_missing_setting_is_its_own_failure(emu: Emulator, props: Props,
                                                 door: str) -> None:
    """Secret and org missing: two failures, each naming its own key and variable."""
    config = stack_config(emu)
    del config["aep:clientSecret"], config["aep:orgId"]
    failures = check_with(door, config, props(sandbox_name=None))
    assert [reason.split(" ", 1)[0] for _, reason in failures] == [
        "aep:orgId", "aep:clientSecret"]
    assert "AEP_ORG_ID" in failures[0][1]
    assert "AEP_ORG_ID" not in failures[1][1]


def test_mistyped_emulator_secret_is_said_plainly_at_preview(emu: Emulator, props: Props,
                                                             door: str) -> None:
    """The emulator's demo client with another secret fails preview as "invalid client
    secret", not as a plain-http warning, and the mistyped value is not shown."""
    config = stack_config(emu, **{"aep:clientSecret": "aep-emulator-secrte"})
    failures = check_with(door, config, props())
    assert len(failures) == 1, failures
    reason = failures[0][1]
    assert reason.startswith("invalid client secret: aep:clientSecret")
    assert "plain http" not in reason
    assert "aep-emulator-secrte" not in reason


def test_refused_client_secret_is_said_plainly_at_up(emu: Emulator, props: Props,
                                                     door: str) -> None:
    """A test rig that opted into plain http with a wrong secret: IMS answers invalid_client
    and `pulumi up` says "Invalid client secret" with the keys to fix; nothing is created."""
    config = stack_config(emu, **{"aep:clientSecret": "not-the-right-secret",
                                  "aep:allowInsecureHttp": "true"})
    with open_door(door, env=BARE_ENV) as host:
        host.configure(config, secret_keys=("aep:clientSecret",))
        with pytest.raises(HostError) as caught:
            Engine(host).up({urn_for("sales"): props()})
    text = caught.value.last_line
    assert "Invalid client secret" in text
    assert "aep:clientSecret" in text
    assert "not-the-right-secret" not in text
    assert emu.connections(sandbox="dev") == []
