"""The summary of findings, built from a fixture written by hand: what each cell says, "not assessed" where
no reviewer rated an outcome, a recorded rating with its reviewer and domains, and the check's refusals."""

from datetime import date

import pytest

import mrcreview
from mrcreview.validation import check_project

QUESTIONS = "question_id,position,question,chapter\nq-one,1,Does treatment A help?,chapter\n"
# alpha (randomised, n = 100, no metastases): a proportion 10/40 and a hazard ratio 0.80 (0.60-1.05);
# beta (prospective cohort, n = 40, no setting recorded): about 24.5 months, without an interval
QUESTION_OUTCOMES = """question_id,outcome,outcome_id
q-one,Response,alpha-response
q-one,Overall survival,alpha-hr
q-one,Median survival,beta-survival
"""
SETTINGS = "study_id,metastases,basis\nalpha,none,Population: adults without metastases.\n"
CERTAINTY = (
    "question_id,outcome,starting_level,rating,risk_of_bias,inconsistency,indirectness,imprecision,"
    "publication_bias,upgrades,reviewer,rated_on\n"
)
RATED = 'q-one,Response,high,low,,,no patients with metastases,"40 patients, wide interval",,,Ada Lovelace,2026-01-20\n'


@pytest.fixture
def project(minimal_project):
    data = minimal_project / "data"
    (data / "questions.csv").write_text(QUESTIONS)
    (data / "question_outcomes.csv").write_text(QUESTION_OUTCOMES)
    (data / "study_settings.csv").write_text(SETTINGS)
    (data / "certainty.csv").write_text(CERTAINTY)
    return minimal_project


def rows_of(markdown: str) -> dict[str, list[str]]:
    """Each row of the glued pipe table, by its first cell."""
    rows = [line.strip("|").split(" | ") for line in markdown.splitlines() if line.startswith("| ")]
    return {row[0].strip(): [cell.strip() for cell in row] for row in rows[1:]}


def test_each_outcome_shows_its_studies_patients_design_setting_and_estimates(project):
    table = rows_of(mrcreview.summary_of_findings_markdown(root=project))
    assert set(table) == {"Response", "Overall survival", "Median survival"}
    _, evidence, estimates, certainty, signals = table["Response"]
    assert evidence == (
        "1 study: Alpha trial (100 randomised); randomised phase III."
        " Setting: **indirect**: no metastases (Alpha trial)"
    )
    # 10/40 with Wilson's 95% interval, worked by hand: centre 0.2719, half-width 0.1300
    assert estimates == "arm A, 3 months: {ref}`25% <ev-alpha-response>`, n/N 10/40, 95% CI 14.2%–40.2% (Wilson)"
    assert certainty == "not assessed"
    assert signals == (
        "starting level high (randomised); indirectness: indirect, 1 of 1 study without metastases;"
        " imprecision: fewer than 400 patients, an interval wider than 20 percentage points"
    )
    survival = table["Overall survival"]
    assert survival[2] == "arm A vs arm B, 5 years: {ref}`HR 0.80 (95% CI 0.60–1.05) <ev-alpha-hr>`"
    assert survival[4].endswith("imprecision: fewer than 400 patients, an interval includes 1")
    median = table["Median survival"]
    assert median[1] == "1 study: Beta cohort (40 enrolled); prospective cohort. Setting: not recorded (Beta cohort)"
    assert median[2] == "all: {ref}`about 24.5 months <ev-beta-survival>`, no interval"
    assert median[4] == (
        "starting level low (not randomised); indirectness: not known for 1 of 1 study;"
        " imprecision: fewer than 400 patients, 1 of 1 estimate without an interval"
    )


def test_every_outcome_reads_not_assessed_until_a_reviewer_rates_it(project):
    markdown = mrcreview.summary_of_findings_markdown(root=project)
    assert [row[3] for row in rows_of(markdown).values()] == ["not assessed"] * 3
    assert mrcreview.certainty_status(root=project) == "No reviewer has yet rated any of its 3 outcomes."
    overview = rows_of(mrcreview.summary_overview_markdown(root=project))
    (question,) = overview.values()
    assert question[1:] == [
        "3",
        "2",
        "**indirect**: 1 of 2 studies without metastases; metastases not reported: 1",
        "not assessed (3 outcomes)",
    ]


def test_a_recorded_rating_is_shown_with_its_reviewer_date_and_domains(project):
    (project / "data" / "certainty.csv").write_text(CERTAINTY + RATED)
    assert check_project(project, today=date(2026, 12, 1)) == []
    table = rows_of(mrcreview.summary_of_findings_markdown(root=project))
    assert table["Response"][3] == (
        "**low**, rated by Ada Lovelace on 2026-01-20; starting high;"
        " down for indirectness: no patients with metastases; down for imprecision: 40 patients\\, wide interval"
    )
    assert table["Overall survival"][3] == table["Median survival"][3] == "not assessed"
    assert mrcreview.certainty_status(root=project) == "Reviewers have rated 1 of its 3 outcomes."


def messages(project) -> list[str]:
    return [str(problem) for problem in check_project(project, today=date(2026, 12, 1))]


@pytest.mark.parametrize(
    "row, message",
    [
        (
            RATED.replace(",high,low,", ",high,medium,"),
            "data/certainty.csv, line 2, field 'rating': expected one of: 'high', 'moderate', 'low', 'very low';"
            " found 'medium'",
        ),
        (
            "q-one,Response,high,low,,,,,,,Ada Lovelace,2026-01-20\n",
            "data/certainty.csv, line 2, field 'rating': expected the GRADE domain behind the rating down from"
            " high to low: a reason in risk_of_bias, inconsistency, indirectness, imprecision or publication_bias;"
            " found no domain given",
        ),
        (
            "q-one,Response,high,very low,,,no patients with metastases,,,,Ada Lovelace,2026-01-20\n",
            "data/certainty.csv, line 2, field 'rating': expected at most 2 levels down for each domain given"
            " (indirectness); found 3 levels down from high",
        ),
        (
            "q-one,Response,low,moderate,,,,,,,Ada Lovelace,2026-01-20\n",
            "data/certainty.csv, line 2, field 'upgrades': expected why the evidence was rated up from low to"
            " moderate; found an empty cell",
        ),
        (
            RATED.replace("q-one,Response,", "q-one,Responses,"),
            "data/certainty.csv, line 2, field 'outcome': expected an outcome that data/question_outcomes.csv"
            " lists for the question 'q-one'; found 'Responses'",
        ),
        (
            RATED.replace("2026-01-20", "2027-01-20"),
            "data/certainty.csv, line 2, field 'rated_on': expected a date no later than today (2026-12-01);"
            " found 2027-01-20",
        ),
    ],
)
def test_the_check_refuses_a_rating_it_cannot_stand_by(project, row, message):
    (project / "data" / "certainty.csv").write_text(CERTAINTY + row)
    assert messages(project) == [message]


def test_the_check_refuses_a_question_whose_chapter_does_not_exist(project):
    (project / "data" / "questions.csv").write_text("question_id,position,question,chapter\nq-one,1,Q?,chapters\n")
    assert messages(project) == [
        "data/questions.csv, line 2, field 'chapter': expected the name of a chapter file in book/, without .md;"
        " found 'chapters'"
    ]


def test_an_interval_is_shown_at_the_level_its_source_states(project):
    """A 99% interval (the Dutch TME trial states one for its odds ratio) is never put under a 95% heading."""
    outcomes = project / "data" / "outcomes.csv"
    outcomes.write_text(outcomes.read_text().replace("0.60,1.05,0.95,", "0.60,1.05,0.99,"))
    markdown = mrcreview.summary_of_findings_markdown(root=project)
    header = next(line for line in markdown.splitlines() if line.startswith("| Outcome"))
    assert "95%" not in header and "interval" in header
    table = rows_of(markdown)
    assert table["Overall survival"][2] == "arm A vs arm B, 5 years: {ref}`HR 0.80 (99% CI 0.60–1.05) <ev-alpha-hr>`"
    # an interval computed here says its own level
    assert table["Response"][2].endswith("95% CI 14.2%–40.2% (Wilson)")
    assert "95%" not in mrcreview.summary_rule()


def test_patients_of_several_studies_are_totalled_but_not_as_different_patients_beside_a_meta_analysis(project):
    """Each study's patients are counted as its source counts them; a meta-analysis may pool the very
    studies it stands beside, so their total is not given as a count of different patients."""
    (project / "data" / "question_outcomes.csv").write_text(
        "question_id,outcome,outcome_id\nq-one,Both,alpha-response\nq-one,Both,beta-survival\n"
    )
    evidence = rows_of(mrcreview.summary_of_findings_markdown(root=project))["Both"][1]
    assert evidence.startswith(
        "2 studies: Alpha trial (100 randomised), Beta cohort (40 enrolled); 140 patients in all;"
    )
    assert "more than one study" not in evidence
    studies = project / "data" / "studies.csv"
    studies.write_text(
        studies.read_text().replace(
            "beta,Beta cohort,prospective cohort,", "beta,Beta cohort,systematic review and meta-analysis,"
        )
    )
    evidence = rows_of(mrcreview.summary_of_findings_markdown(root=project))["Both"][1]
    assert "; 140 patients in all, but patients may be counted in more than one study:" in evidence
