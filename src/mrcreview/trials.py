"""ClinicalTrials.gov (API v2, CTGOV_API_URL): each NCT trial's overall status, mapped onto studies.csv's
status list, with what the registry says of completion (date, actual or estimated) and of its record's last
update. An answer is applied only to the trial it names, and only when every value is in its documented
form. A status the list has no counterpart for (UNKNOWN, WITHDRAWN, SUSPENDED...) is not guessed: the row is
left as it was and the trial listed for review; the other trials and the literature search go on.
"""

import re
from dataclasses import dataclass, field

from mrcreview.answers import Malformed, at, matching, refused_as
from mrcreview.registry_client import Client, base_url
from mrcreview.untrusted import shown

SERVICE = "ClinicalTrials.gov"
# Overall statuses with an unambiguous counterpart in studies.csv's status list.
STATUS = {
    "RECRUITING": "recruiting",
    "NOT_YET_RECRUITING": "recruiting",
    "ENROLLING_BY_INVITATION": "recruiting",
    "ACTIVE_NOT_RECRUITING": "ongoing",
    "COMPLETED": "completed",
    "TERMINATED": "terminated",
}
NCT = re.compile(r"NCT[0-9]{8}")
STATUS_CODE = re.compile(r"[A-Z][A-Z_]{0,39}")  # the form of the registry's status codes
# The forms the registry documents: a date as precise as it knows it, and its kind.
REGISTRY_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
COMPLETION_TYPE = re.compile("actual|estimated")
STATUS_MODULE = "protocolSection.statusModule"


@dataclass
class TrialChecks:
    checked: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    by_hand: list[str] = field(default_factory=list)
    for_review: list[str] = field(default_factory=list)


def registry_dates(answer: dict) -> dict[str, str]:
    """What the registry says of completion and of its record's last update; empty where it says nothing."""
    values = {}
    for column, path, pattern in (
        ("registry_completion", "completionDateStruct.date", REGISTRY_DATE),
        ("registry_completion_type", "completionDateStruct.type", COMPLETION_TYPE),
        ("registry_updated", "lastUpdatePostDateStruct.date", DAY),
    ):
        value = at(answer, f"{STATUS_MODULE}.{path}", str, required=False) or ""
        value = value.lower() if column == "registry_completion_type" else value
        values[column] = value and matching(value, pattern, path, "in its documented form")
    if not values["registry_completion"]:
        values["registry_completion_type"] = ""
    return values


def read_trial(answer, registry: str) -> tuple[str, dict[str, str]]:
    """The registry's status code and dates for the trial asked for."""
    answered = at(answer, "protocolSection.identificationModule.nctId", str)
    if answered != registry:
        raise Malformed(f"an answer for {shown(answered)!r}, not for the trial asked for")
    found = at(answer, f"{STATUS_MODULE}.overallStatus", str)
    return matching(found, STATUS_CODE, "overallStatus", "a status code"), registry_dates(answer)


def check_trials(studies: list[dict], today: str, client: Client) -> TrialChecks:
    """Update each NCT study's status and dates in place."""
    base = base_url(SERVICE, "CTGOV_API_URL", "https://clinicaltrials.gov/api/v2")
    checks = TrialChecks()
    for row in studies:
        registry = row["registry_id"]
        if not registry:
            continue
        if not NCT.fullmatch(registry):
            checks.by_hand.append(f"{registry} (last checked {row['status_checked']})")
            continue
        answer = client.get_json(SERVICE, registry, f"{base}/studies/{registry}", {"format": "json"})
        with refused_as(SERVICE, registry):
            found, dates = read_trial(answer, registry)
        checks.checked.append(registry)
        if found not in STATUS:
            checks.for_review.append(f"{registry} {found}")
            continue
        status = STATUS[found]
        if status != row["status"]:
            checks.changes.append(f"{registry} {row['status']} -> {status}")
        row["status"], row["status_checked"] = status, today
        row |= dates
    return checks
