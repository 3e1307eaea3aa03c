"""The book tells the source review's story in its own words (../shared/tools/overlap.py)."""

import os
import subprocess
import sys

import pytest

from helpers import ROOT

OVERLAP = ROOT.parent / "shared" / "tools" / "overlap.py"


def test_no_passage_copied_from_the_source_review():
    if not OVERLAP.exists():
        # CI runs beside ../shared: there a missing tool is a broken setup, never a reason to skip
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the source material beside the clone; {OVERLAP} is missing")
        pytest.skip(f"{OVERLAP} is not beside this clone, so the own-words check cannot run here")
    result = subprocess.run([sys.executable, str(OVERLAP), "book", "data"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
