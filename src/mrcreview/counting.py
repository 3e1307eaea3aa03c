"""How many numbers, studies and registered trials the dataset holds: one count, said alike on every page.

The evidence register lists every study or source with at least one reported number; the front page and
the trial tracker count from the same rows, so no page can give a different total.
"""

import re
from pathlib import Path

import pandas as pd

from mrcreview.dependencies import recorded
from mrcreview.loading import load_outcomes, load_studies

# The trial registries studies.csv accepts (ClinicalTrials.gov, ISRCTN, EU Clinical Trials Register). A PROSPERO
# number registers a systematic review, not a trial: such a study stays in the register only.
TRIAL_REGISTRY = re.compile(r"NCT[0-9]{8}|ISRCTN[0-9]{8}|EudraCT [0-9]{4}-[0-9]{6}-[0-9]{2}")
NOT_IDENTIFIED = "not identified"


def registered_trials(studies: pd.DataFrame) -> pd.DataFrame:
    """The studies with a trial registry's number."""
    return studies[studies["registry_id"].fillna("").map(lambda text: bool(TRIAL_REGISTRY.fullmatch(text)))]


def counts(outcomes: pd.DataFrame, studies: pd.DataFrame) -> dict[str, int]:
    held = studies[studies["study_id"].isin(outcomes["study_id"])]
    unidentified = int((held["design"] == NOT_IDENTIFIED).sum())
    return {
        "numbers": len(outcomes),
        "sources": len(held),  # what the evidence register lists
        "identified": len(held) - unidentified,
        "unidentified": unidentified,
        "registered_trials": len(registered_trials(studies)),
        "registry_numbers": int(studies["registry_id"].notna().sum()),
    }


@recorded
def dataset_counts(*, root: Path | None = None) -> dict[str, int]:
    """Reported numbers; the studies and sources they come from (identified, or cited by the source review
    and not yet identified); studies with a registry number, and those that are registered trials."""
    return counts(load_outcomes(root=root), load_studies(root=root))
