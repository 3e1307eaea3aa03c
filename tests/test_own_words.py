"""The book tells the source review's story in its own words (../shared/tools/overlap.py)."""

import subprocess
import sys

import pytest

from helpers import ROOT

OVERLAP = ROOT.parent / "shared" / "tools" / "overlap.py"


@pytest.mark.skipif(not OVERLAP.exists(), reason="../shared (the source material) is not beside this clone")
def test_no_passage_copied_from_the_source_review():
    result = subprocess.run([sys.executable, str(OVERLAP), "book", "data"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
