"""The CI workflows are valid GitHub workflows and pass zizmor's security audit, offline."""

import subprocess
import sys
from pathlib import Path

from helpers import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def test_workflows_match_the_github_workflow_schema():
    assert WORKFLOWS
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *WORKFLOWS],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_zizmor():
    result = subprocess.run(
        [BIN / "zizmor", "--offline", "--config", ROOT / ".github" / "zizmor.yml", ROOT / ".github"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit():
    for workflow in [*WORKFLOWS, ROOT / ".github" / "actions" / "setup" / "action.yml"]:
        for line in workflow.read_text(encoding="utf-8").splitlines():
            uses = line.strip().removeprefix("- ").removeprefix("uses:").strip() if "uses:" in line else ""
            if uses and not uses.startswith("./"):
                ref = uses.split("@", 1)[1].split()[0]
                assert len(ref) == 40 and all(c in "0123456789abcdef" for c in ref), (workflow.name, uses)
