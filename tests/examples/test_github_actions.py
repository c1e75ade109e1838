"""examples/github-actions/aep-connections.yml: the pipeline example stays safe by construction.

The workflow is parsed (YAML, plus its text for pin comments) and each security property is held
on its own, so that a later edit cannot quietly undo one: no credentials for pull request jobs
outside a preview environment, `up` bound to its environment and never cancelled, actions pinned
by commit SHA, least permissions, no persisted checkout token, tests on every pull request, and
the policy pack from the default branch: recorded before the pull request's code runs, checked
out again after it at that commit and verified just before the preview, with the limit of that
stated plainly (the reviewer approval of `prod-preview` is the real control).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "examples" / "github-actions" / "aep-connections.yml"
TEXT = WORKFLOW.read_text()
DOC: dict[Any, Any] = yaml.safe_load(TEXT)
JOBS: dict[str, dict[str, Any]] = DOC["jobs"]
# PyYAML reads the bare key `on` as the boolean True.
TRIGGERS: dict[str, Any] = DOC.get("on", DOC.get(True))
DEFAULT_BRANCH_REF = "${{ github.event.repository.default_branch }}"
SECRET_RE = re.compile(r"\$\{\{\s*secrets\.(?!GITHUB_TOKEN\b)\w+")


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps of a job."""
    found: list[dict[str, Any]] = job["steps"]
    return found


def uses(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    """The steps of ``job`` that use ``action`` (owner/name)."""
    return [s for s in steps(job) if str(s.get("uses", "")).split("@")[0] == action]


def pulumi_steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    """The job's pulumi/actions steps."""
    return uses(job, "pulumi/actions")


def runs_on_pull_requests(job: dict[str, Any]) -> bool:
    """Whether the job can run for a pull_request event (no `if`, or one that admits it)."""
    condition = str(job.get("if", ""))
    return not condition or "pull_request" in condition


def uses_secrets(job: dict[str, Any]) -> bool:
    """Whether anything in the job references a secret other than GITHUB_TOKEN."""
    return bool(SECRET_RE.search(yaml.safe_dump(job)))


def up_jobs() -> dict[str, dict[str, Any]]:
    """Jobs that run `pulumi up`."""
    return {
        name: job for name, job in JOBS.items()
        if any(s["with"]["command"].split()[0] == "up" for s in pulumi_steps(job))
    }


def preview_jobs() -> dict[str, dict[str, Any]]:
    """Jobs that run `pulumi preview`."""
    return {
        name: job for name, job in JOBS.items()
        if any(s["with"]["command"] == "preview" for s in pulumi_steps(job))
    }


def test_the_example_has_the_expected_jobs() -> None:
    """tests, a preview of each stack for pull requests, and an up of dev then prod."""
    assert set(JOBS) == {"test", "preview", "up-dev", "up-prod"}
    assert set(up_jobs()) == {"up-dev", "up-prod"}
    assert set(preview_jobs()) == {"preview"}
    assert JOBS["up-prod"]["needs"] == "up-dev"


def test_pull_requests_trigger_pull_request_never_pull_request_target() -> None:
    """pull_request_target would run with the base repository's secrets: it is never used."""
    assert "pull_request" in TRIGGERS
    assert "pull_request_target" not in TRIGGERS
    assert "workflow_run" not in TRIGGERS


def test_no_secret_is_workflow_wide() -> None:
    """No top-level env (or anything outside jobs) references a secret."""
    outside_jobs = {k: v for k, v in DOC.items() if k != "jobs"}
    assert not SECRET_RE.search(yaml.safe_dump(outside_jobs))


def test_every_job_using_secrets_is_bound_to_an_environment() -> None:
    """A secret is only read by a job bound to a GitHub environment (which holds it)."""
    for name, job in JOBS.items():
        if uses_secrets(job):
            assert job.get("environment"), name
    assert not uses_secrets(JOBS["test"])


def test_pull_request_jobs_never_get_the_deployment_environments() -> None:
    """A job that can run for a pull request is bound to a *-preview environment, never dev/prod.

    So pull request code can never read the credentials `up` uses; prod-preview is the protected
    environment (required reviewers, read-only credentials) documented in the file's header.
    """
    deploy_envs = {str(job["environment"]) for job in up_jobs().values()}
    assert deploy_envs == {"dev", "prod"}
    for name, job in JOBS.items():
        if runs_on_pull_requests(job) and uses_secrets(job):
            environment = str(job["environment"])
            assert environment.endswith("-preview"), name
            assert environment not in deploy_envs
    assert "prod-preview" in TEXT
    assert "required reviewers" in TEXT


def test_previews_skip_pull_requests_from_forks() -> None:
    """The preview job runs only for pull requests whose head is this repository."""
    condition = JOBS["preview"]["if"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in condition


def test_up_jobs_run_only_on_pushes_to_main_in_their_environment() -> None:
    """Each up job: push to main only, bound to the environment named after its stack."""
    for name, job in up_jobs().items():
        assert "github.event_name == 'push'" in job["if"], name
        assert "github.ref == 'refs/heads/main'" in job["if"], name
        (step,) = pulumi_steps(job)
        assert job["environment"] == step["with"]["stack-name"], name


def test_up_is_never_cancelled_and_never_shares_a_group_with_a_preview() -> None:
    """up: its own concurrency group, cancel-in-progress false; previews use other groups."""
    up_groups = set()
    for name, job in up_jobs().items():
        concurrency = job["concurrency"]
        assert concurrency["cancel-in-progress"] is False, name
        up_groups.add(concurrency["group"])
    assert len(up_groups) == len(up_jobs())
    for name, job in preview_jobs().items():
        group = job["concurrency"]["group"]
        assert "preview" in group, name
        assert "github.event.pull_request.number" in group, name
        assert not any(group.startswith(g) or g.startswith(group) for g in up_groups), name


def test_third_party_actions_are_pinned_by_commit_sha_with_the_release_in_a_comment() -> None:
    """Every `uses:` is owner/name@<40 hex> followed by `# v<release>`."""
    lines = [line.strip() for line in TEXT.splitlines() if re.match(r"\s*-?\s*uses:", line)]
    assert lines
    for line in lines:
        assert re.fullmatch(
            r"(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line
        ), line


def test_the_same_action_is_pinned_to_one_commit_everywhere() -> None:
    """One action, one pin: no stale copy left behind by a partial update."""
    pins: dict[str, set[str]] = {}
    for job in JOBS.values():
        for step in steps(job):
            if "uses" in step:
                action, ref = str(step["uses"]).split("@")
                pins.setdefault(action, set()).add(ref)
    assert pins
    assert all(len(refs) == 1 for refs in pins.values()), pins


def test_permissions_are_empty_by_default_and_least_per_job() -> None:
    """permissions: {} at the top; each job reads contents; only the preview may comment."""
    assert DOC["permissions"] == {}
    for name, job in JOBS.items():
        permissions = job["permissions"]
        allowed = {"contents": "read"}
        if name in preview_jobs():
            allowed["pull-requests"] = "write"
        assert permissions == allowed, name


def test_checkouts_never_persist_the_token() -> None:
    """Every actions/checkout step sets persist-credentials: false."""
    checkouts = [s for job in JOBS.values() for s in uses(job, "actions/checkout")]
    assert checkouts
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False, step


@pytest.mark.parametrize("name", sorted(preview_jobs()))
def test_pull_request_previews_take_the_policy_pack_from_the_default_branch(name: str) -> None:
    """The pack and its config come from a checkout of the default branch, not the PR's tree."""
    job = JOBS[name]
    trusted = [
        s for s in uses(job, "actions/checkout")
        if s.get("with", {}).get("ref") == DEFAULT_BRANCH_REF
    ]
    assert len(trusted) == 1
    path = trusted[0]["with"]["path"]
    assert trusted[0]["with"]["sparse-checkout"] == "policy"
    (step,) = pulumi_steps(job)
    assert step["with"]["policyPacks"] == f"{path}/policy"
    assert step["with"]["policyPackConfigs"].startswith(f"{path}/policy/config.")
    assert "${{ matrix.stack }}" in step["with"]["policyPackConfigs"]


def test_tests_run_on_every_pull_request() -> None:
    """No paths (or branches) filter on pull_request, and the test job has no condition: a pull
    request touching only plugin/, scripts/, the Makefile, tests/, bench/ or examples/ is tested."""
    pull_request = TRIGGERS["pull_request"] or {}
    assert not {"paths", "paths-ignore", "branches", "branches-ignore"} & set(pull_request)
    assert "if" not in JOBS["test"]
    assert any("pytest" in str(s.get("run", "")) for s in steps(JOBS["test"]))


def runs_pull_request_code(step: dict[str, Any]) -> bool:
    """Whether a step builds or runs the checked-out (pull request) project."""
    return "pip install -e" in str(step.get("run", "")) or step in pulumi_steps_of_any_job()


def pulumi_steps_of_any_job() -> list[dict[str, Any]]:
    """Every pulumi/actions step (each runs the checked-out program)."""
    return [s for job in JOBS.values() for s in pulumi_steps(job)]


def pack_digest_commands(run: str) -> list[str]:
    """The ``$(...)`` command substitutions of a run script that hash the pack's files."""
    return re.findall(r"\$\((cd trusted && [^\n]*sha256sum)\)", run)


TRUSTED_SHA = "${{ steps.trusted.outputs.sha }}"
TRUSTED_DIGEST = "${{ steps.trusted.outputs.digest }}"


@pytest.mark.parametrize("name", sorted(preview_jobs()))
def test_the_packs_commit_and_digest_are_recorded_before_any_pull_request_code(name: str) -> None:
    """Step `trusted` records the default branch's commit and the digest of its pack files, after
    the default-branch checkout and before the first step that runs the pull request's code."""
    job_steps = steps(JOBS[name])
    default_checkout = next(
        i for i, s in enumerate(job_steps)
        if s.get("with", {}).get("ref") == DEFAULT_BRANCH_REF
    )
    record = next(i for i, s in enumerate(job_steps) if s.get("id") == "trusted")
    first_pr_code = next(i for i, s in enumerate(job_steps) if runs_pull_request_code(s))
    assert default_checkout < record < first_pr_code
    run = job_steps[record]["run"]
    assert 'echo "sha=$(git -C trusted rev-parse HEAD)" >>"$GITHUB_OUTPUT"' in run
    assert len(pack_digest_commands(run)) == 1
    assert "find policy -type f" in run


@pytest.mark.parametrize("name", sorted(preview_jobs()))
def test_the_pack_is_checked_out_again_at_that_commit_after_the_pull_requests_install(
    name: str,
) -> None:
    """After the last install step of the pull request's code, the pack is checked out afresh
    (clean) at the recorded commit, into the path the preview reads it from."""
    job_steps = steps(JOBS[name])
    installs = [i for i, s in enumerate(job_steps) if "pip install -e" in str(s.get("run", ""))]
    again = [
        i for i, s in enumerate(job_steps)
        if str(s.get("uses", "")).startswith("actions/checkout@")
        and s.get("with", {}).get("ref") == TRUSTED_SHA
    ]
    assert installs
    assert len(again) == 1
    assert again[0] > max(installs)
    checkout = job_steps[again[0]]["with"]
    assert checkout["clean"] is True
    assert checkout["sparse-checkout"] == "policy"
    (step,) = pulumi_steps(JOBS[name])
    assert step["with"]["policyPacks"] == f"{checkout['path']}/policy"


@pytest.mark.parametrize("name", sorted(preview_jobs()))
def test_the_pack_is_verified_as_the_step_just_before_the_preview(name: str) -> None:
    """The step right before `pulumi preview` fails unless the pack is still the recorded commit,
    file for file: same commit, and the same digest computed by the same command."""
    job_steps = steps(JOBS[name])
    (preview,) = pulumi_steps(JOBS[name])
    verify = job_steps[job_steps.index(preview) - 1]
    assert verify["env"] == {"EXPECTED_SHA": TRUSTED_SHA, "EXPECTED_DIGEST": TRUSTED_DIGEST}
    run = verify["run"]
    assert 'test "$(git -C trusted rev-parse HEAD)" = "$EXPECTED_SHA"' in run
    (command,) = pack_digest_commands(run)
    record = next(s for s in job_steps if s.get("id") == "trusted")
    assert pack_digest_commands(record["run"]) == [command]
    assert f'test "$({command})" = "$EXPECTED_DIGEST"' in run


REAL_CONTROL = re.compile(
    r"the\s+real\s+control\s+is\s+the\s+reviewer\s+approval\s+of\s+the\s+protected\s+"
    r"`?prod-preview`?\s+environment", re.IGNORECASE,
)


@pytest.mark.parametrize("document", [WORKFLOW, ROOT / "README.md", ROOT / "SECURITY.md"])
def test_the_limit_of_the_trusted_pack_is_stated_plainly(document: Path) -> None:
    """The workflow header, README and SECURITY.md say that within one job the pull request's code
    can subvert the pack, that the real control is prod-preview's reviewer approval, and never
    claim that a pull request cannot relax its own guardrails."""
    text = " ".join(line.lstrip("# ") for line in document.read_text().splitlines())
    assert REAL_CONTROL.search(text), document.name
    assert "not a security boundary" in text, document.name
    assert not re.search(r"cannot\s+relax", text), document.name


def test_every_pulumi_command_runs_the_policy_pack_with_its_stacks_config() -> None:
    """Every preview/up passes the pack and the config file named after its stack."""
    for name, job in JOBS.items():
        for step in pulumi_steps(job):
            stack = step["with"]["stack-name"]
            assert step["with"]["policyPacks"].endswith("policy"), name
            assert step["with"]["policyPackConfigs"].endswith(f"policy/config.{stack}.json"), name


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_pack_configs_the_workflow_names_exist(stack: str) -> None:
    """policy/config.<stack>.json exists for every stack the workflow deploys or previews."""
    assert (ROOT / "policy" / f"config.{stack}.json").is_file()
    assert stack in JOBS["preview"]["strategy"]["matrix"]["stack"]
