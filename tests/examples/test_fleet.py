"""examples/fleet: the fleet pipeline keeps the single-stack example's hardening, caps each Adobe
org at K stacks at once, never cancels a deploy or drift job, and its two scripts (the matrix
from the stack files, one issue per drifting stack) do what the workflow relies on.

The workflows are parsed (YAML, plus their text for pin comments); the scripts run on sample
stack files in a temporary directory and on made-up job lists (no GitHub, no network).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

FLEET = ROOT / "examples" / "fleet"
CALLER_TEXT = (FLEET / "aep-fleet.yml").read_text()
ORG_TEXT = (FLEET / "aep-fleet-org.yml").read_text()
CALLER: dict[Any, Any] = yaml.safe_load(CALLER_TEXT)
ORG: dict[Any, Any] = yaml.safe_load(ORG_TEXT)
JOBS: dict[str, dict[str, Any]] = CALLER["jobs"]
STACK_JOB: dict[str, Any] = ORG["jobs"]["stack"]
SINGLE = yaml.safe_load((ROOT / "examples" / "github-actions" / "aep-connections.yml").read_text())
# PyYAML reads the bare key `on` as the boolean True.
TRIGGERS: dict[str, Any] = CALLER.get("on", CALLER.get(True))
ORG_TRIGGERS: dict[str, Any] = ORG.get("on", ORG.get(True))
SECRET_RE = re.compile(r"\$\{\{\s*secrets\.(?!GITHUB_TOKEN\b)\w+")
REUSABLE = "./.github/workflows/aep-fleet-org.yml"
CALLS = ("preview", "up", "drift")
DEFAULT_BRANCH_REF = "${{ github.event.repository.default_branch }}"


def load(name: str) -> ModuleType:
    """examples/fleet/<name>.py as a module (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(f"fleet_{name}", FLEET / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


matrix = load("matrix")
drift_issues = load("drift_issues")


def all_jobs() -> dict[str, dict[str, Any]]:
    """Every job of both files (the reusable one as `org/stack`)."""
    return {**JOBS, "org/stack": STACK_JOB}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps of a job (none for a reusable-workflow call)."""
    found: list[dict[str, Any]] = job.get("steps", [])
    return found


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """The steps of ``job`` that use ``action`` (owner/name)."""
    return [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def pulumi_step(command: str) -> dict[str, Any]:
    """The reusable job's pulumi/actions step that runs for ``command``."""
    found = [s for s in uses(STACK_JOB, "pulumi/actions")
             if ("== 'up'" in s["if"]) == (command == "up")]
    assert len(found) == 1
    return found[0]


# -- the workflows ---------------------------------------------------------------------------


def test_the_fleet_has_the_expected_jobs_and_triggers() -> None:
    """tests, plan, one reusable call per command, and drift-issues; PRs, main, a schedule."""
    assert set(JOBS) == {"test", "plan", *CALLS, "drift-issues"}
    for name in CALLS:
        assert JOBS[name]["uses"] == REUSABLE, name
        assert JOBS[name]["with"]["command"] == name, name
        assert "plan" in JOBS[name]["needs"], name
    assert set(TRIGGERS) == {"pull_request", "push", "schedule", "workflow_dispatch"}
    assert TRIGGERS["push"]["branches"] == ["main"]
    assert re.fullmatch(r"[\d*/,-]+( [\d*/,-]+){4}", TRIGGERS["schedule"][0]["cron"])
    assert set(ORG_TRIGGERS) == {"workflow_call"}


def test_each_command_runs_only_on_its_event() -> None:
    """preview: same-repo pull requests; up: push to main; drift and its issues: schedule or
    dispatch on main."""
    assert "github.event_name == 'pull_request'" in JOBS["preview"]["if"]
    assert ("github.event.pull_request.head.repo.full_name == github.repository"
            in JOBS["preview"]["if"])
    assert JOBS["up"]["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    for name in ("drift", "drift-issues"):
        condition = " ".join(JOBS[name]["if"].split())
        assert "github.event_name == 'schedule'" in condition, name
        assert "github.event_name == 'workflow_dispatch'" in condition, name
        assert "github.ref == 'refs/heads/main'" in condition, name
        assert "pull_request" not in condition, name
    assert set(JOBS["preview"]["needs"]) == set(JOBS["up"]["needs"]) == {"test", "plan"}


def test_every_action_is_pinned_by_full_sha_as_in_the_single_stack_example() -> None:
    """Every `uses:` (but the local reusable workflow) is owner/name@<40 hex> # v<release>, one
    pin per action across both files and examples/github-actions."""
    pins: dict[str, set[str]] = {}
    for text in (CALLER_TEXT, ORG_TEXT):
        for line in text.splitlines():
            if not re.match(r"\s*-?\s*uses:", line) or REUSABLE in line:
                continue
            stripped = line.strip()
            assert re.fullmatch(
                r"(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", stripped), line
            action, ref = stripped.split("uses: ")[1].split(" ")[0].split("@")
            pins.setdefault(action, set()).add(ref)
    for job in SINGLE["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                action, ref = str(step["uses"]).split("@")
                if action in pins:
                    pins[action].add(ref)
    assert {"actions/checkout", "actions/setup-python", "pulumi/actions"} <= set(pins)
    assert all(len(refs) == 1 for refs in pins.values()), pins


def test_permissions_are_empty_by_default_and_least_per_job() -> None:
    """permissions: {} at the top of both files; every job reads contents and nothing else,
    except drift-issues: the only one with issues: write (and actions: read)."""
    assert CALLER["permissions"] == {}
    assert ORG["permissions"] == {}
    for name, job in all_jobs().items():
        expected = {"contents": "read"}
        if name == "drift-issues":
            expected = {"contents": "read", "actions": "read", "issues": "write"}
        assert job["permissions"] == expected, name


def test_secrets_only_in_the_stack_job_bound_to_an_environment() -> None:
    """No secret outside the reusable stack job, which is bound to an environment; the issue
    job has only the run's own token."""
    for name, job in JOBS.items():
        assert not SECRET_RE.search(yaml.safe_dump(job)), name
    outside = {k: v for k, v in ORG.items() if k != "jobs"}
    assert not SECRET_RE.search(yaml.safe_dump(outside))
    assert SECRET_RE.search(yaml.safe_dump(STACK_JOB))
    assert STACK_JOB["environment"]
    assert "secrets" not in json.dumps({k: JOBS[k] for k in CALLS}), "no secrets: inherit"
    assert JOBS["drift-issues"]["steps"][-1]["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_up_gets_the_stack_environment_previews_and_drift_the_preview_one() -> None:
    """`up` is bound to the `<stack>` environment, preview and drift to `<stack>-preview`."""
    assert STACK_JOB["environment"] == (
        "${{ inputs.command == 'up' && matrix.stack || format('{0}-preview', matrix.stack) }}")
    up = pulumi_step("up")
    assert up["if"] == "inputs.command == 'up'"
    assert up["with"]["command"] == "up"
    preview = pulumi_step("preview")
    assert preview["if"] == "inputs.command != 'up'"
    assert preview["with"]["command"] == "preview"
    assert "pull-requests" not in STACK_JOB["permissions"]


def test_the_drift_check_refreshes_and_expects_no_changes() -> None:
    """drift = `pulumi preview --refresh --expect-no-changes`; a plain preview does neither."""
    preview = pulumi_step("preview")["with"]
    assert preview["refresh"] == "${{ inputs.command == 'drift' }}"
    assert preview["expect-no-changes"] == "${{ inputs.command == 'drift' }}"
    known = steps(STACK_JOB)[0]
    assert "preview|up|drift)" in known["run"]


def test_every_pulumi_step_runs_the_default_branchs_verified_policy_pack() -> None:
    """The pack is recorded from the default branch, re-checked-out after the install step and
    verified right before Pulumi; both Pulumi steps use it with the stack's config."""
    names = [s.get("name", s.get("uses", s.get("run", ""))) for s in steps(STACK_JOB)]
    trusted = [s for s in uses(STACK_JOB, "actions/checkout")
               if s.get("with", {}).get("ref") == DEFAULT_BRANCH_REF]
    assert len(trusted) == 1
    install = next(i for i, s in enumerate(steps(STACK_JOB)) if "pip install -e ." in
                   str(s.get("run", "")))
    verify = names.index("verify the policy pack")
    first_pulumi = min(i for i, s in enumerate(steps(STACK_JOB))
                       if str(s.get("uses", "")).startswith("pulumi/actions@"))
    assert install < verify < first_pulumi
    for command in ("up", "preview"):
        with_ = pulumi_step(command)["with"]
        assert with_["policyPacks"] == "trusted/policy"
        assert with_["policyPackConfigs"] == "trusted/policy/config.${{ matrix.stack }}.json"
        assert with_["stack-name"] == "${{ matrix.stack }}"


def test_checkouts_never_persist_the_token() -> None:
    """Every actions/checkout step in both files sets persist-credentials: false."""
    checkouts = [s for job in all_jobs().values() for s in uses(job, "actions/checkout")]
    assert len(checkouts) >= 5
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False, step


def test_no_expression_is_pasted_into_a_shell_script() -> None:
    """`run:` scripts read inputs, matrix values and outputs from env, never `${{ }}` (a stack
    or org name would otherwise be shell text)."""
    for name, job in all_jobs().items():
        for step in steps(job):
            assert "${{" not in str(step.get("run", "")), (name, step)


def test_no_deploy_or_drift_job_is_ever_cancelled() -> None:
    """Only the pull request preview has a concurrency group (cancelling an older preview of
    the same pull request); up, drift and the stack jobs have none, since GitHub cancels a
    group's pending run when a newer one queues. No stack job stops another (fail-fast off)."""
    for name, job in all_jobs().items():
        if name == "preview":
            group = job["concurrency"]["group"]
            assert "github.event.pull_request.number" in group
            assert "matrix.org.org" in group
            continue
        assert "concurrency" not in job, name
    assert "concurrency" not in CALLER
    assert "concurrency" not in ORG
    assert "cancel-in-progress: true" not in ORG_TEXT
    assert CALLER_TEXT.count("cancel-in-progress: true") == 1
    for name in CALLS:
        assert JOBS[name]["strategy"]["fail-fast"] is False, name
    assert STACK_JOB["strategy"]["fail-fast"] is False


def test_each_org_runs_at_most_k_stacks_at_once() -> None:
    """Each command calls the reusable workflow once per org of the plan, with that org's
    stacks only and its K; inside, the stack matrix is exactly those stacks, max-parallel K."""
    for name in CALLS:
        call = JOBS[name]
        assert call["strategy"]["matrix"] == {"org": "${{ fromJSON(needs.plan.outputs.orgs) }}"}
        assert "max-parallel" not in call["strategy"], "orgs run side by side"
        assert call["with"]["stacks"] == "${{ toJSON(matrix.org.stacks) }}"
        assert call["with"]["max-parallel"] == "${{ matrix.org.max_parallel }}"
    strategy = STACK_JOB["strategy"]
    assert strategy["max-parallel"] == "${{ inputs.max-parallel }}"
    assert strategy["matrix"] == {"stack": "${{ fromJSON(inputs.stacks) }}"}
    inputs = ORG_TRIGGERS["workflow_call"]["inputs"]
    assert inputs["max-parallel"]["type"] == "number"
    assert all(inputs[k]["required"] is True for k in ("command", "stacks", "max-parallel"))


def test_the_plan_runs_the_matrix_script_with_k_from_a_variable() -> None:
    """The plan job's output is matrix.py's, K from vars.AEP_FLEET_MAX_PARALLEL (default 4),
    the local stack left out."""
    plan = JOBS["plan"]
    assert plan["outputs"]["orgs"] == "${{ steps.matrix.outputs.orgs }}"
    (step,) = [s for s in steps(plan) if s.get("id") == "matrix"]
    assert step["env"]["MAX_PARALLEL"] == "${{ vars.AEP_FLEET_MAX_PARALLEL || '4' }}"
    assert step["run"].startswith("python3 examples/fleet/matrix.py --exclude local")
    assert '--max-parallel "$MAX_PARALLEL"' in step["run"]
    assert step["run"].endswith('>>"$GITHUB_OUTPUT"')


def test_drift_issues_runs_after_every_drift_job_with_the_plan() -> None:
    """drift-issues needs plan and drift, runs whatever drift concluded, reads the plan."""
    job = JOBS["drift-issues"]
    assert set(job["needs"]) == {"plan", "drift"}
    assert job["if"].startswith("always() && needs.plan.result == 'success'")
    env = job["steps"][-1]["env"]
    assert env["ORGS"] == "${{ needs.plan.outputs.orgs }}"
    assert job["steps"][-1]["run"] == "python3 examples/fleet/drift_issues.py"


def test_the_stack_jobs_name_is_what_drift_issues_reads() -> None:
    """The reusable job's name renders as `drift <stack>`, which drift_issues maps back to the
    stack, also behind the caller's prefix."""
    name = STACK_JOB["name"].replace("${{ inputs.command }}", "drift").replace(
        "${{ matrix.stack }}", "prod-eu")
    assert name == "drift prod-eu"
    jobs = [{"name": name, "conclusion": "failure"},
            {"name": f"drift ({{org: X@AdobeOrg}}) / {name}", "conclusion": "failure"}]
    assert drift_issues.results(jobs) == {"prod-eu": "failure"}
    assert drift_issues.results([{"name": "preview prod-eu", "conclusion": "failure"}]) == {}


# -- matrix.py -------------------------------------------------------------------------------


def stack_file(folder: Path, stack: str, org: str | None, extra: str = "") -> None:
    """A stack file as `pulumi config set` writes it."""
    lines = ["# a comment: aep:orgId: NOT@AdobeOrg", "config:", "  aep:sandboxName: " + stack]
    if org is not None:
        lines.append(f"  aep:orgId: {org}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"Pulumi.{stack}.yaml").write_text("\n".join([*lines, extra]) + "\n")


def policy_configs(folder: Path, *stacks: str) -> Path:
    """A policy folder with a config for each stack."""
    folder.mkdir(parents=True, exist_ok=True)
    for stack in stacks:
        (folder / f"config.{stack}.json").write_text("{}")
    return folder


ORG_A = "0123456789ABCDEF01234567@AdobeOrg"
ORG_B = "FEDCBA9876543210FEDCBA98@AdobeOrg"


def test_matrix_groups_stacks_by_org(tmp_path: Path) -> None:
    """One entry per org (sorted), its stacks sorted, K on each; quoted ids are read too."""
    stacks = tmp_path / "stacks"
    for name, org in (("sbx-02", ORG_A), ("sbx-01", ORG_A), ("eu-prod", f'"{ORG_B}"'),
                      ("sbx-10", f"'{ORG_A}'  # the main org")):
        stack_file(stacks, name, org)
    policy = policy_configs(tmp_path / "policy", "sbx-01", "sbx-02", "sbx-10", "eu-prod")
    assert matrix.build(stacks, policy, 3) == [
        {"org": ORG_A, "stacks": ["sbx-01", "sbx-02", "sbx-10"], "max_parallel": 3},
        {"org": ORG_B, "stacks": ["eu-prod"], "max_parallel": 3},
    ]


def test_matrix_of_75_sandboxes_keeps_every_stack_once(tmp_path: Path) -> None:
    """75 sandboxes of one org and 5 of another: every stack in exactly one entry."""
    stacks = tmp_path / "stacks"
    names = [f"sbx-{i:02d}" for i in range(75)]
    for name in names:
        stack_file(stacks, name, ORG_A)
    for i in range(5):
        stack_file(stacks, f"other-{i}", ORG_B)
    orgs = matrix.build(stacks, None, 4)
    assert [len(entry["stacks"]) for entry in orgs] == [75, 5]
    every = [s for entry in orgs for s in entry["stacks"]]
    assert len(every) == len(set(every)) == 80
    assert orgs[0]["stacks"] == names


def test_matrix_script_prints_one_github_output_line(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`--exclude local` leaves that stack out; the output is `orgs=<compact json>`."""
    stacks = tmp_path / "stacks"
    stack_file(stacks, "dev", ORG_A)
    stack_file(stacks, "local", "EMULATOR0000000000000000@AdobeOrg")
    policy = policy_configs(tmp_path / "policy", "dev")
    code = matrix.main(["--stacks", str(stacks), "--policy", str(policy), "--max-parallel", "2",
                        "--exclude", "local"])
    out = capsys.readouterr().out
    assert code == 0
    assert out == f'orgs=[{{"org":"{ORG_A}","stacks":["dev"],"max_parallel":2}}]\n'


@pytest.mark.parametrize(("stack", "org", "policy", "k", "message"), [
    ("dev", None, True, 4, "no aep:orgId under config:"),
    ("dev", "not-an-org", True, 4, "is not an IMS org id"),
    ("dev", "x$(id)@AdobeOrg", True, 4, "is not an IMS org id"),
    ("Dev_1", ORG_A, True, 4, "must match [a-z0-9][a-z0-9-]*"),
    ("dev", ORG_A, False, 4, "no policy pack config"),
    ("dev", ORG_A, True, 0, "outside 1..256"),
])
def test_matrix_refuses_what_the_workflow_cannot_run(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], stack: str, org: str | None,
        policy: bool, k: int, message: str) -> None:
    """A missing or malformed org id, an unsafe stack name, a stack without its policy config
    or a K outside 1..256 fails with one line naming the problem, and prints no output."""
    stacks = tmp_path / "stacks"
    stack_file(stacks, stack, org)
    folder = policy_configs(tmp_path / "policy", *([stack] if policy else []))
    code = matrix.main(["--stacks", str(stacks), "--policy", str(folder),
                        "--max-parallel", str(k)])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("matrix: ")


def test_matrix_ignores_an_org_id_outside_config(tmp_path: Path) -> None:
    """Only `aep:orgId` directly under `config:` counts, not a comment or a nested key."""
    stacks = tmp_path / "stacks"
    stack_file(stacks, "dev", None, extra="other:\n  aep:orgId: " + ORG_B)
    with pytest.raises(matrix.MatrixError, match="no aep:orgId"):
        matrix.build(stacks, None, 4)


def test_matrix_of_this_repository_plans_dev_and_prod() -> None:
    """The repository's own stack files plan (dev and prod, one org), local excluded."""
    orgs = matrix.build(ROOT / "stacks", ROOT / "policy", 4, exclude=["local"])
    assert orgs == [{"org": "<your-org-id>@AdobeOrg", "stacks": ["dev", "prod"],
                     "max_parallel": 4}]


# -- drift_issues.py -------------------------------------------------------------------------

RUN = "https://github.com/acme/aep/actions/runs/42"


def job(stack: str, conclusion: str) -> dict[str, str]:
    """A job of the run as the API lists it."""
    return {"name": f"drift ({ORG_A}) / drift {stack}", "conclusion": conclusion}


def test_drift_opens_one_issue_or_comments_on_the_open_one() -> None:
    """A failed drift job opens the stack's issue, or comments on it when one is open; a
    passing stack with an open issue gets it closed; others are left alone."""
    jobs = [job("a", "failure"), job("b", "failure"), job("c", "success"),
            job("d", "success"), job("e", "cancelled")]
    open_issues = [{"number": 7, "title": drift_issues.title("b")},
                   {"number": 8, "title": drift_issues.title("c")},
                   {"number": 9, "title": drift_issues.title("e")}]
    actions = drift_issues.plan(["a", "b", "c", "d", "e", "f"], jobs, open_issues, RUN)
    assert [(a.verb, a.stack, a.number) for a in actions] == [
        ("create", "a", None), ("comment", "b", 7), ("close", "c", 8)]


def test_drift_issue_commands_and_text() -> None:
    """create carries the one title and the label; the text names the stack, the run and both
    fixes; comment and close address the issue by number."""
    create, comment = drift_issues.plan(
        ["a", "b"], [job("a", "failure"), job("b", "failure")],
        [{"number": 7, "title": drift_issues.title("b")}], RUN)
    argv = create.argv()
    assert argv[:3] == ["gh", "issue", "create"]
    assert argv[argv.index("--title") + 1] == "Drift: stack a differs from its deployment"
    assert argv[argv.index("--label") + 1] == drift_issues.LABEL
    body = argv[argv.index("--body") + 1]
    for text in ("stack `a`", RUN, "pulumi up --stack a", "pulumi refresh --stack a",
                 "pulumi preview --refresh --expect-no-changes --stack a"):
        assert text in body, text
    assert comment.argv()[:4] == ["gh", "issue", "comment", "7"]
    (close,) = drift_issues.plan(["b"], [job("b", "success")],
                                 [{"number": 7, "title": drift_issues.title("b")}], RUN)
    assert close.argv()[:5] == ["gh", "issue", "close", "7", "--comment"]


def test_a_similar_title_is_not_the_stacks_issue() -> None:
    """Issue matching is by exact title: `prod` is not `prod-eu`'s issue."""
    (action,) = drift_issues.plan(["prod"], [job("prod", "failure")],
                                  [{"number": 3, "title": drift_issues.title("prod-eu")}], RUN)
    assert (action.verb, action.number) == ("create", None)
