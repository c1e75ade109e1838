"""``python examples/fleet/drift_issues.py``: one GitHub issue per drifting stack.

Run by the fleet workflow's ``drift-issues`` job after the scheduled drift check (the only job
with ``issues: write``; it holds no cloud credential and runs no Pulumi). It reads this run's
jobs (``gh api .../actions/runs/<id>/attempts/<n>/jobs``), finds each stack's drift job
(named ``drift <stack>``) and, for each stack of the plan:

- drift job failed  -> comment on the stack's open drift issue, or open one;
- drift job passed  -> close the stack's open drift issue, if any, saying so;
- no result (cancelled, skipped, not run) -> nothing.

An issue is found by its exact title and the ``aep-drift`` label, so each stack has at most
one open. Stdlib only; ``gh`` (on GitHub's runners) does the calls with ``GH_TOKEN``.
Environment: ``GITHUB_REPOSITORY``, ``GITHUB_RUN_ID``, ``GITHUB_RUN_ATTEMPT``,
``GITHUB_SERVER_URL``, ``ORGS`` (the plan's ``orgs`` output).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LABEL = "aep-drift"
# `drift <stack>`, alone or after the caller's job name (`drift (...) / drift <stack>`).
JOB_NAME = re.compile(r"(?:^|/ )drift (?P<stack>[a-z0-9][a-z0-9-]*)$")


def title(stack: str) -> str:
    """The one title of a stack's drift issue."""
    return f"Drift: stack {stack} differs from its deployment"


@dataclass(frozen=True)
class Action:
    """One ``gh issue`` call: ``create``, ``comment`` or ``close``."""

    verb: str
    stack: str
    number: int | None
    body: str

    def argv(self) -> list[str]:
        """The ``gh`` command line."""
        if self.verb == "create":
            return ["gh", "issue", "create", "--title", title(self.stack), "--label", LABEL,
                    "--body", self.body]
        flag = "--body" if self.verb == "comment" else "--comment"
        return ["gh", "issue", self.verb, str(self.number), flag, self.body]


def results(jobs: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Stack -> conclusion of its drift job (``success``, ``failure``, ...)."""
    found: dict[str, str] = {}
    for job in jobs:
        match = JOB_NAME.search(str(job.get("name", "")))
        if match:
            found[match.group("stack")] = str(job.get("conclusion") or "")
    return found


def drift_body(stack: str, run_url: str) -> str:
    """What a user reads on a drift issue: what failed, where, and the fix."""
    return (
        f"The scheduled drift check of stack `{stack}` failed: {run_url}\n\n"
        f"`pulumi preview --refresh --expect-no-changes --stack {stack}` found changes (or "
        "could not run: the job log says which). Someone changed the sandbox outside Pulumi, or "
        "the last deployment did not finish.\n\n"
        f"Fix: read the preview in the job log, then either `pulumi up --stack {stack}` (put the "
        "declared state back) or change the program and stack file to what the sandbox should "
        f"now hold and `pulumi refresh --stack {stack}`. This issue is closed by the first "
        "drift check that passes."
    )


def plan(stacks: Sequence[str], jobs: Iterable[Mapping[str, Any]],
         open_issues: Iterable[Mapping[str, Any]], run_url: str) -> list[Action]:
    """The issue calls for this run, in stack order."""
    conclusion = results(jobs)
    numbers = {str(issue["title"]): int(issue["number"]) for issue in open_issues}
    actions = []
    for stack in stacks:
        number = numbers.get(title(stack))
        outcome = conclusion.get(stack)
        if outcome == "failure":
            verb = "comment" if number is not None else "create"
            actions.append(Action(verb, stack, number, drift_body(stack, run_url)))
        elif outcome == "success" and number is not None:
            actions.append(Action("close", stack, number,
                                  f"The drift check passed for stack `{stack}`: {run_url}"))
    return actions


def gh_json(*args: str) -> Any:
    """``gh <args>``'s JSON answer."""
    # gh comes from the runner's PATH, as in every workflow step.
    done = subprocess.run(["gh", *args], capture_output=True, text=True, check=True,  # noqa: S607
                          timeout=120)
    return json.loads(done.stdout)


def main() -> int:
    """Read the run's jobs and the open drift issues; make the calls; 0 when all succeeded."""
    env = os.environ
    repo, run_id = env["GITHUB_REPOSITORY"], env["GITHUB_RUN_ID"]
    run_url = f"{env.get('GITHUB_SERVER_URL', 'https://github.com')}/{repo}/actions/runs/{run_id}"
    stacks = [s for org in json.loads(env["ORGS"]) for s in org["stacks"]]
    pages = gh_json("api", "--paginate", "--slurp",
                    f"repos/{repo}/actions/runs/{run_id}/attempts/"
                    f"{env.get('GITHUB_RUN_ATTEMPT', '1')}/jobs")
    jobs = [job for page in pages for job in page["jobs"]]
    issues = gh_json("issue", "list", "--label", LABEL, "--state", "open", "--limit", "500",
                     "--json", "number,title")
    actions = plan(stacks, jobs, issues, run_url)
    if any(a.verb == "create" for a in actions):
        subprocess.run(["gh", "label", "create", LABEL, "--force", "--color", "d93f0b",  # noqa: S607
                        "--description", "a stack differs from its deployment"],
                       check=True, timeout=120)
    for action in actions:
        subprocess.run(action.argv(), check=True, timeout=120)
        print(f"drift_issues: {action.verb} {title(action.stack)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
