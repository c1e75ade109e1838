"""``python examples/fleet/matrix.py``: the fleet workflow's matrix, from the stack files.

Reads every ``stacks/Pulumi.<stack>.yaml``, takes each stack's Adobe org from its ``aep:orgId``
and groups the stacks by org. Prints one line for ``$GITHUB_OUTPUT``::

    orgs=[{"org": "<id>@AdobeOrg", "stacks": ["dev", "prod"], "max_parallel": 4}, ...]

The workflow calls its per-org reusable workflow once per entry, whose matrix runs that org's
stacks at most ``max_parallel`` at a time (``strategy.max-parallel``): Adobe's rate limits are
per org, so the cap is too.

Stdlib only (it runs before anything is installed). Fails, naming the file and the fix, on a
stack file without ``aep:orgId``, a stack or org name outside ``[a-z0-9-]`` / ``[A-Za-z0-9]``
(the names reach job names, environments and shell steps), a stack without its policy pack
config (``policy/config.<stack>.json``: every preview and up runs the pack with it), or no
stack at all. ``--exclude local`` leaves out stacks that are not deployed from CI.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

STACK_FILE = re.compile(r"^Pulumi\.([^.]+)\.yaml$")
STACK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# An IMS org id: 24 hex-ish characters and @AdobeOrg; the documentation placeholder
# <your-org-id>@AdobeOrg is accepted too, so the repository's own dev/prod files plan.
ORG_ID = re.compile(r"^(?:[A-Za-z0-9]+|<[a-z-]+>)@AdobeOrg$")
# `  aep:orgId: VALUE` directly under `config:` (two-space indent, as `pulumi config set` writes).
ORG_LINE = re.compile(
    r"""^  aep:orgId:\s*(?P<quote>["']?)(?P<value>[^"'#\s]+)(?P=quote)\s*(?:#.*)?$""")
MAX_PARALLEL_LIMIT = 256  # GitHub's largest matrix


class MatrixError(Exception):
    """A stack file or argument the matrix cannot be built from; the text says the fix."""


def org_of(path: Path) -> str:
    """The ``aep:orgId`` of the stack file at ``path``."""
    in_config = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            in_config = line.rstrip() == "config:"
            continue
        match = ORG_LINE.match(line) if in_config else None
        if match:
            org = match.group("value")
            if not ORG_ID.match(org):
                raise MatrixError(f"{path}: aep:orgId {org!r} is not an IMS org id "
                                  "(<id>@AdobeOrg); fix it with `pulumi config set aep:orgId`")
            return org
    raise MatrixError(f"{path}: no aep:orgId under config:; the fleet groups stacks by org, so "
                      f"set it: pulumi config set --stack {stack_of(path)} aep:orgId <id>@AdobeOrg")


def stack_of(path: Path) -> str:
    """The stack name of ``Pulumi.<stack>.yaml``."""
    match = STACK_FILE.match(path.name)
    if match is None:
        raise MatrixError(f"{path}: not a Pulumi.<stack>.yaml file")
    return match.group(1)


def build(stacks_dir: Path, policy_dir: Path | None, max_parallel: int,
          exclude: Iterable[str] = ()) -> list[dict[str, object]]:
    """One entry per org, orgs and their stacks sorted: ``org``, ``stacks``, ``max_parallel``."""
    if not 1 <= max_parallel <= MAX_PARALLEL_LIMIT:
        raise MatrixError(f"max parallel {max_parallel} is outside 1..{MAX_PARALLEL_LIMIT}")
    skipped = set(exclude)
    by_org: dict[str, list[str]] = {}
    for path in sorted(stacks_dir.glob("Pulumi.*.yaml")):
        stack = stack_of(path)
        if stack in skipped:
            continue
        if not STACK_NAME.match(stack):
            raise MatrixError(f"{path}: stack name {stack!r} must match [a-z0-9][a-z0-9-]* "
                              "(it names jobs and environments); rename the stack")
        if policy_dir is not None and not (policy_dir / f"config.{stack}.json").is_file():
            raise MatrixError(f"{path}: no policy pack config {policy_dir}/config.{stack}.json; "
                              "add one (copy config.dev.json) or --exclude the stack")
        by_org.setdefault(org_of(path), []).append(stack)
    if not by_org:
        raise MatrixError(f"{stacks_dir}: no Pulumi.<stack>.yaml to deploy")
    return [{"org": org, "stacks": by_org[org], "max_parallel": max_parallel}
            for org in sorted(by_org)]


def main(argv: Sequence[str] | None = None) -> int:
    """Print ``orgs=<json>``; exit 1 with one line per problem."""
    parser = argparse.ArgumentParser(prog="python examples/fleet/matrix.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--stacks", type=Path, default=Path("stacks"),
                        help="directory of Pulumi.<stack>.yaml (default: stacks)")
    parser.add_argument("--policy", type=Path, default=Path("policy"),
                        help="policy pack directory holding config.<stack>.json (default: policy)")
    parser.add_argument("--max-parallel", type=int, default=4,
                        help="stacks of one org at once (default 4)")
    parser.add_argument("--exclude", action="append", default=[], metavar="STACK",
                        help="a stack not deployed from CI (repeatable), e.g. local")
    args = parser.parse_args(argv)
    try:
        orgs = build(args.stacks, args.policy, args.max_parallel, args.exclude)
    except MatrixError as error:
        print(f"matrix: {error}", file=sys.stderr)
        return 1
    print("orgs=" + json.dumps(orgs, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
