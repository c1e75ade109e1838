"""Run by an installed aep-connections (not this tree): the wheel works as a user gets it.

``.ci/run`` installs the wheel into a fresh virtualenv outside the repository and runs this file
with that virtualenv's Python, its ``bin`` first on PATH, from a directory outside the tree.
Stdlib plus the package. Exits non-zero with one line naming what failed when:

- ``provider`` is imported from anywhere but the virtualenv's site-packages;
- the emulator's contract (``openapi.yaml``) is not installed with it, or the emulator does not
  serve a token on loopback;
- ``provider.native`` does not import, or the ``pulumi-resource-aep`` console script (the native
  plugin as Pulumi runs it) does not print its gRPC port as its first line.
"""

from __future__ import annotations

import importlib.resources
import json
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request

PLUGIN = "pulumi-resource-aep"
# The plugin prints its port before it ever calls the engine; nothing listens here.
ENGINE_ADDRESS = "127.0.0.1:1"


class SmokeError(Exception):
    """One failed check, with what failed."""


def check_import() -> str:
    """Where ``provider`` was imported from (a site-packages directory)."""
    import provider
    import provider.native

    location = str(provider.__file__)
    if "site-packages" not in location:
        raise SmokeError(f"provider was imported from {location}, not an installed wheel")
    return location


def check_emulator() -> str:
    """The emulator's contract ships, and it serves an IMS token on loopback."""
    from provider.emulator import Emulator

    if not importlib.resources.files("provider.emulator").joinpath("openapi.yaml").is_file():
        raise SmokeError("provider/emulator/openapi.yaml is not installed with the package")
    with Emulator(port=0) as emu:
        body = urllib.parse.urlencode({
            "grant_type": "client_credentials", "client_id": emu.client_id,
            "client_secret": emu.client_secret, "scope": "openid"}).encode()
        with urllib.request.urlopen(emu.url + "/ims/token/v3", body, timeout=10) as answer:  # noqa: S310  (loopback emulator)
            token = json.load(answer).get("access_token")
        if not token:
            raise SmokeError("the installed emulator answered no access_token")
        return str(emu.url)


def check_plugin() -> int:
    """The ``pulumi-resource-aep`` script starts the plugin and prints a port first."""
    path = shutil.which(PLUGIN)
    if path is None:
        raise SmokeError(f"{PLUGIN} is not on PATH: the wheel's console script is missing")
    with subprocess.Popen([path, ENGINE_ADDRESS], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            first = process.stdout.readline().strip()
        finally:
            process.terminate()
            process.wait(timeout=30)
    if not first.isdigit() or not 0 < int(first) < 65536:
        raise SmokeError(f"{PLUGIN} printed {first!r} first, not its gRPC port")
    return int(first)


def main() -> int:
    """Every check; 0 when all pass."""
    try:
        location = check_import()
        url = check_emulator()
        port = check_plugin()
    except SmokeError as error:
        print(f"smoke_installed: {error}", file=sys.stderr)
        return 1
    print(f"smoke_installed: provider from {location}; emulator served on {url}; "
          f"{PLUGIN} listened on port {port}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
