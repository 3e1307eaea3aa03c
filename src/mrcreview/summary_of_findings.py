"""The summary of findings: for each clinical question and outcome, the evidence data/ holds and its certainty.

The source review grades nothing. A certainty rating is shown only as a named reviewer recorded it in
data/certainty.csv; an outcome without one reads "not assessed". Beside it, what the data already say is
computed by a stated rule (summary_rule) and labelled as signals, never as a rating.
"""

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mrcreview.dependencies import recorded
from mrcreview.findings_rules import DOMAINS
from mrcreview.loading import load_findings_data, load_outcomes, load_studies
from mrcreview.markdown import markdown_table, md_escape
from mrcreview.numbers import format_value, fraction, patients
from mrcreview.register import number_link
from mrcreview.synthesis import interval_with_level, with_intervals

NOT_ASSESSED = "not assessed"
MIN_PATIENTS = 400  # fewer patients than this across an outcome's studies: a signal of imprecision
MAX_WIDTH = 0.20  # a proportion's interval wider than 20 percentage points: a signal of imprecision
RATIOS = {"hazard_ratio", "odds_ratio", "relative_risk"}
# GRADE's starting level by design: randomised trials high, other primary studies low. A review's level
# is that of the studies it pools, which the data do not record.
# Designs that pool other studies: their patients may also be those of another study of the same outcome.
POOLED = {"individual participant data meta-analysis", "systematic review and meta-analysis"}
NON_RANDOMISED = {
    "single-arm phase II",
    "prospective cohort",
    "retrospective cohort",
    "survey",
    "population registry study",
}
SETTINGS = {
    "all": "metastatic",
    "some": "some patients with metastases",
    "none": "**indirect**: no metastases",
    "not reported": "metastases not reported",
}
WIDTH = f"{MAX_WIDTH * 100:g} percentage points"


def summary_rule() -> str:
    """The rule the signals are computed by, as the summary of findings states it."""
    return (
        "the starting level by design (randomised trials high, other primary studies low; a review's, and that"
        " of a study not yet identified, is not set by rule); indirectness where a study's patients had no"
        f" metastases; imprecision where the studies hold fewer than {MIN_PATIENTS} patients in all, a ratio's"
        f" interval includes 1, a proportion's interval is wider than {WIDTH}, or an estimate has no interval"
    )


def counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class Finding:
    """One outcome of one question: the numbers that answer it, their studies, and any recorded rating."""

    question_id: str
    outcome: str
    rows: pd.DataFrame  # outcomes.csv rows with their intervals (synthesis.with_intervals)
    studies: pd.DataFrame  # studies.csv rows with metastases from study_settings.csv
    certainty: dict | None


def findings(
    question_outcomes: pd.DataFrame,
    outcomes: pd.DataFrame,
    studies: pd.DataFrame,
    settings: pd.DataFrame,
    certainty: pd.DataFrame,
) -> list[Finding]:
    """Every outcome of every question, by question id and outcome name."""
    rated = {(r["question_id"], r["outcome"]): r for r in certainty.to_dict("records")}
    studies = studies.merge(settings[["study_id", "metastases"]], on="study_id", how="left")
    found = []
    for (question_id, outcome), mapped in question_outcomes.groupby(["question_id", "outcome"], sort=True):
        rows = with_intervals(outcomes[outcomes["outcome_id"].isin(mapped["outcome_id"])])
        used = studies[studies["study_id"].isin(rows["study_id"])]
        found.append(Finding(question_id, outcome, rows, used, rated.get((question_id, outcome))))
    return found


def studies_cell(finding: Finding) -> str:
    """Each study by name with its patients, counted as its source counts them (eligible, randomised...)."""
    studies = finding.studies.sort_values("short_name", key=lambda names: names.str.casefold())
    counts = [
        md_escape(patients(row)) if pd.notna(row["n_patients"]) else "patients not reported"
        for _, row in studies.iterrows()
    ]
    named = [f"{md_escape(name)} ({count})" for name, count in zip(studies["short_name"], counts, strict=True)]
    return f"{counted(len(named), 'study', 'studies')}: " + ", ".join(named)


def patients_cell(finding: Finding) -> str | None:
    """The patients of several studies in all, or None for one study (its count is beside its name). A
    meta-analysis pools other studies, and which ones is not recorded: beside another study, its patients
    may be those of that study, so the total is not stated as a count of different patients."""
    n = finding.studies["n_patients"]
    if len(n) < 2:
        return None
    if n.isna().all():
        return "patients not reported"
    missing = int(n.isna().sum())
    shown = f"{int(n.sum()):,} patients in all" + (
        f" (not reported for {missing} of {counted(len(n), 'study', 'studies')})" if missing else ""
    )
    if set(finding.studies["design"]) & POOLED:
        shown += (
            ", but patients may be counted in more than one study: which studies a meta-analysis pooled is not recorded"
        )
    return shown


def designs_cell(finding: Finding) -> str:
    return "; ".join(md_escape(design) for design in sorted(set(finding.studies["design"])))


def setting_cell(finding: Finding) -> str:
    """Each study's setting by name; evidence from patients without metastases is flagged as indirect."""
    by_setting: dict[str, list[str]] = {}
    for _, study in finding.studies.sort_values("short_name", key=lambda names: names.str.casefold()).iterrows():
        label = SETTINGS.get(study["metastases"], "not recorded") if pd.notna(study["metastases"]) else "not recorded"
        by_setting.setdefault(label, []).append(md_escape(study["short_name"]))
    return "; ".join(f"{label} ({', '.join(names)})" for label, names in by_setting.items())


def _estimate(row: pd.Series) -> str:
    shown = [number_link(row["outcome_id"], format_value(row))]
    if fraction(row):
        shown.append(f"n/N {fraction(row)}")
    if row["interval_source"] == "Wilson":
        shown.append(f"{interval_with_level(row)} (Wilson)")
    elif row["interval_source"] != "stated":
        shown.append("no interval")
    group = md_escape(row["arm"]) + (f", {md_escape(row['timepoint'])}" if pd.notna(row["timepoint"]) else "")
    return f"{group}: {', '.join(shown)}"


def estimates_cell(finding: Finding) -> str:
    """Each estimate with its interval; where there are several of one unit, their range first."""
    rows = finding.rows.sort_values(["value", "outcome_id"])
    listed = "; ".join(_estimate(row) for _, row in rows.iterrows())
    if len(rows) < 2 or rows["unit"].nunique() != 1:
        return listed
    bare = rows.assign(ci_lower_text=pd.NA, ci_upper_text=pd.NA)  # a bound ("more than") stays: it is the value
    low, high = format_value(bare.iloc[0]), format_value(bare.iloc[-1])
    return f"{len(rows)} estimates, {md_escape(low)} to {md_escape(high)}. {listed}"


def certainty_cell(finding: Finding) -> str:
    """The rating a reviewer recorded, with who, when and the domain behind each level up or down."""
    rated = finding.certainty
    if rated is None:
        return NOT_ASSESSED
    said = [f"**{md_escape(rated['rating'])}**, rated by {md_escape(rated['reviewer'])} on {rated['rated_on']}"]
    said.append(f"starting {md_escape(rated['starting_level'])}")
    said += [
        f"down for {domain.replace('_', ' ')}: {md_escape(rated[domain])}"
        for domain in DOMAINS
        if pd.notna(rated[domain])
    ]
    if pd.notna(rated["upgrades"]):
        said.append(f"up: {md_escape(rated['upgrades'])}")
    return "; ".join(said)


def start_signal(designs: set[str]) -> str:
    starts = []
    if any(design.startswith("randomised") for design in designs):
        starts.append("high (randomised)")
    if designs & NON_RANDOMISED:
        starts.append("low (not randomised)")
    if designs - NON_RANDOMISED - {d for d in designs if d.startswith("randomised")}:
        starts.append("not set by rule (a review, or a study not identified)")
    return " and ".join(starts)


def imprecision_signals(finding: Finding) -> list[str]:
    signals = []
    n = finding.studies["n_patients"]
    if n.notna().all() and n.sum() < MIN_PATIENTS:
        signals.append(f"fewer than {MIN_PATIENTS} patients")
    rows = finding.rows
    with_interval = rows[rows["low"].notna()]
    if ((with_interval["unit"].isin(RATIOS)) & (with_interval["low"] <= 1) & (with_interval["high"] >= 1)).any():
        signals.append("an interval includes 1")
    proportions = with_interval[with_interval["unit"] == "proportion"]
    if ((proportions["high"] - proportions["low"]) > MAX_WIDTH).any():
        signals.append(f"an interval wider than {WIDTH}")
    if without := int(rows["low"].isna().sum()):
        signals.append(f"{without} of {counted(len(rows), 'estimate', 'estimates')} without an interval")
    return signals


def signals_cell(finding: Finding) -> str:
    """What the data say by the stated rule (summary_rule): not a certainty rating."""
    settings = finding.studies["metastases"]
    indirect = int((settings == "none").sum())
    unknown = int(settings.isna().sum() + (settings == "not reported").sum())
    if indirect:
        directness = f"indirect, {indirect} of {counted(len(settings), 'study', 'studies')} without metastases"
    elif unknown:
        directness = f"not known for {unknown} of {counted(len(settings), 'study', 'studies')}"
    else:
        directness = "no signal"
    imprecision = imprecision_signals(finding)
    return (
        f"starting level {start_signal(set(finding.studies['design']))}; indirectness: {directness};"
        f" imprecision: {', '.join(imprecision) if imprecision else 'no signal'}"
    )


def evidence_cell(finding: Finding) -> str:
    """Studies, patients, designs and setting in one cell: the table stays readable on a narrow screen."""
    in_all = patients_cell(finding)
    said = [studies_cell(finding), *([in_all] if in_all else []), designs_cell(finding)]
    return f"{'; '.join(said)}. Setting: {setting_cell(finding)}"


COLUMNS = {
    "Outcome": lambda f: md_escape(f.outcome),
    "Studies, patients, designs and setting": evidence_cell,
    "Estimates, each with its interval and its level": estimates_cell,
    "Certainty (GRADE)": certainty_cell,
    "Signals computed by rule (not a certainty rating)": signals_cell,
}


def by_question(questions: pd.DataFrame, found: list[Finding]):
    """Each question with findings, in the questions' order, and its findings."""
    for _, question in questions.sort_values("position").iterrows():
        if mine := [f for f in found if f.question_id == question["question_id"]]:
            yield question, mine


def summary_of_findings(questions: pd.DataFrame, found: list[Finding]) -> str:
    """One table per question, in the questions' order, each under the question and a link to its chapter."""
    parts = []
    for question, mine in by_question(questions, found):
        rows = [[cell(f) for cell in COLUMNS.values()] for f in mine]
        head = f"**{md_escape(question['question'])}** Evidence: {{doc}}`{question['chapter']}`."
        parts.append(f"{head}\n\n{markdown_table(list(COLUMNS), rows)}\n")
    return "\n".join(parts)


def summary_overview(questions: pd.DataFrame, found: list[Finding]) -> str:
    """The front page's summary: one row per question, with its outcomes, studies, setting and certainty."""
    rows = []
    for question, mine in by_question(questions, found):
        studies = pd.concat([f.studies for f in mine]).drop_duplicates("study_id")
        rated = sum(f.certainty is not None for f in mine)
        rows.append(
            [
                f"{md_escape(question['question'])} ({{doc}}`{question['chapter']}`)",
                str(len(mine)),
                str(len(studies)),
                settings_count(studies),
                f"{rated} of {len(mine)} outcomes rated"
                if rated
                else f"{NOT_ASSESSED} ({counted(len(mine), 'outcome', 'outcomes')})",
            ]
        )
    return markdown_table(["Question", "Outcomes", "Studies", "Setting", "Certainty"], rows)


def settings_count(studies: pd.DataFrame) -> str:
    """How many of the studies had metastases, indirect evidence first."""
    settings = studies["metastases"].fillna("not recorded")
    said = []
    if indirect := int((settings == "none").sum()):
        said.append(f"**indirect**: {indirect} of {counted(len(settings), 'study', 'studies')} without metastases")
    for value, label in (("all", "metastatic"), ("some", "some patients with metastases")):
        if count := int((settings == value).sum()):
            said.append(f"{label}: {count}")
    if unknown := int(settings.isin(["not reported", "not recorded"]).sum()):
        said.append(f"metastases not reported: {unknown}")
    return "; ".join(said)


def _found(root: Path | None) -> tuple[pd.DataFrame, list[Finding]]:
    questions, question_outcomes, settings, certainty = load_findings_data(root=root)
    outcomes = load_outcomes(root=root)
    return questions, findings(question_outcomes, outcomes, load_studies(root=root), settings, certainty)


@recorded
def summary_of_findings_markdown(*, root: Path | None = None) -> str:
    """The summary of findings, one table per question, from data/."""
    return summary_of_findings(*_found(root))


@recorded
def certainty_status(*, root: Path | None = None) -> str:
    """How many outcomes of the summary a reviewer has rated, as a sentence."""
    found = _found(root)[1]
    rated = sum(f.certainty is not None for f in found)
    if not rated:
        return f"No reviewer has yet rated any of its {counted(len(found), 'outcome', 'outcomes')}."
    return f"Reviewers have rated {rated} of its {counted(len(found), 'outcome', 'outcomes')}."


@recorded
def summary_overview_markdown(*, root: Path | None = None) -> str:
    """The front page's one-row-per-question summary, from data/."""
    return summary_overview(*_found(root))
