"""Tables are generated from data, cite their sources, and never let data inject markup."""

import re

import markdown_it
import pandas as pd

import mrcreview
from helpers import ROOT
from mrcreview.markdown import md_escape

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "{cite:p}`smith2020alpha`",
    "```{raw} html\n<b>x</b>\n```",
    "[click](javascript:alert(1))",
    "a | b",
]


def test_table_1_has_one_row_per_pathway_with_its_citation(minimal):
    pathways = mrcreview.load_clinical_pathways(root=minimal)
    table = mrcreview.table_clinical_pathways(pathways).splitlines()
    assert len(table) == 2 + len(pathways)
    assert table[2].endswith("{cite:p}`smith2020alpha` |")
    assert "Step one → step two" in table[2]


def test_hostile_text_is_escaped():
    for text in HOSTILE:
        escaped = md_escape(text)
        # no unescaped markup character survives
        for ch in "<>`{}[]()|":
            assert all(escaped[i - 1] == "\\" for i, c in enumerate(escaped) if c == ch), (text, escaped)
        assert "\n" not in escaped


def test_hostile_cells_cannot_add_columns_or_roles(minimal):
    pathways = mrcreview.load_clinical_pathways(root=minimal).copy()
    pathways.loc[0, "strategy"] = HOSTILE[0] + HOSTILE[2] + HOSTILE[5]
    row = mrcreview.table_clinical_pathways(pathways).splitlines()[2]
    assert row.count("{cite:p}`") == 1  # only the generated citation
    assert row.count(" | ") == 5  # six cells, as the header says


def test_numbers_table_lists_value_and_fraction(minimal):
    outcomes = mrcreview.load_outcomes(root=minimal)
    table = mrcreview.table_numbers(outcomes[outcomes["outcome_id"] == "alpha-response"])
    assert "{ref}`25% <ev-alpha-response>`" in table  # the value links to its register entry
    assert r"10\/40" in table  # escaped, rendered as 10/40


def test_references_to_identify_list_every_reference_not_fully_identified_with_its_probable_work():
    references = mrcreview.load_review_references(root=ROOT)
    table = mrcreview.table_references_to_identify(references)
    listed = {int(line.split("|")[1]) for line in table.splitlines()[2:]}
    assert listed == set(references.loc[references["status"] != "identified", "review_ref"])
    # a partly identified reference shows the work it probably is, still on this page until confirmed
    partly = references[(references["status"] == "partly identified") & references["citation_key"].notna()]
    assert not partly.empty
    for row in partly.itertuples():
        line = next(line for line in table.splitlines() if line.startswith(f"| {row.review_ref} |"))
        assert f"{{cite:p}}`{row.citation_key}`" in line


def test_prisma_counts_follow_the_screening_log(minimal):
    searches, screening = mrcreview.load_searches(root=minimal), mrcreview.load_screening(root=minimal)
    searches.loc[searches["run_by"] == "make refresh", "found"] = 5
    extra = screening.iloc[[0, 0, 0]].copy()
    extra["record_id"] = ["pmid:2", "pmid:3", "pmid:4"]
    extra["search_id"] = "pubmed-living"  # the minimal log's one record was added by hand
    extra["decision"] = ["included", "to screen", "excluded"]
    extra["reason"] = [pd.NA, pd.NA, "no patients with metastases"]
    log = pd.concat([screening, extra], ignore_index=True)  # 4 logged: 2 excluded, 1 included, 1 to screen
    counts = mrcreview.prisma_counts(searches, log)
    assert counts == {
        "identified": 5,
        "other": 1,
        "removed": 2,  # of the 5 found, 3 logged
        "screened": 3,
        "awaiting": 1,
        "excluded": 2,
        "included": 1,
    }
    table = mrcreview.table_prisma(counts, log)
    assert "| Screening | Excluded: no patients with metastases | 2 |" in table


def test_the_search_table_shows_the_query_as_typed(minimal):
    searches = mrcreview.load_searches(root=minimal)
    searches.loc[searches["run_by"] == "make refresh", "run_on"] = None  # before its first run
    table = mrcreview.table_searches(searches)
    assert '`("rectal neoplasms"[MeSH Terms]' in table
    assert "2000 to 2024" in table
    # the update search has not run; the source review's ran, on a date it does not give
    update = next(line for line in table.splitlines() if line.startswith("| PubMed |"))
    review = next(line for line in table.splitlines() if line.startswith("| PubMed and Google Scholar |"))
    assert "not yet run" in update and "date not reported" in review and "not yet run" not in review


def registered(project, beta_registry: str = "ISRCTN00000002") -> None:
    """Give the minimal project's beta cohort a registry number, so that the tracker lists it."""
    studies_file = project / "data" / "studies.csv"
    studies_file.write_text(
        studies_file.read_text().replace(
            "Adults after treatment,,,40,enrolled,,", f"Adults after treatment,,,40,enrolled,{beta_registry},"
        )
    )


def test_the_trial_tracker_says_what_a_changed_status_was_at_the_release(minimal_project):
    registered(minimal_project)
    studies = mrcreview.load_studies(root=minimal_project)
    table = mrcreview.table_trial_tracker(studies, {"alpha": "ongoing", "beta": "ongoing"})
    alpha = next(line for line in table.splitlines() if line.startswith("| Alpha trial"))
    beta = next(line for line in table.splitlines() if line.startswith("| Beta cohort"))
    assert "completed (was ongoing at the last release)" in alpha
    assert "was" not in beta  # unchanged


def test_the_trial_tracker_shows_what_the_registry_said_of_completion_and_its_last_update(minimal_project):
    registered(minimal_project)
    studies_file = minimal_project / "data" / "studies.csv"
    # alpha: what make refresh writes from ClinicalTrials.gov; beta: a registry that said nothing
    studies_file.write_text(
        studies_file.read_text().replace("smith2020alpha,12,,,,", "smith2020alpha,12,,2027,estimated,2026-10-02")
    )
    table = mrcreview.table_trial_tracker(mrcreview.load_studies(root=minimal_project))
    alpha = next(line for line in table.splitlines() if line.startswith("| Alpha trial"))
    beta = next(line for line in table.splitlines() if line.startswith("| Beta cohort"))
    # as MyST text, escaped: it reads "completion 2027 (estimated); record updated 2026-10-02"
    assert "completion 2027 \\(estimated\\)\\; record updated 2026\\-10\\-02" in alpha
    assert "not recorded" in beta


def tracker_rows(project) -> list[list[str]]:
    table = mrcreview.table_trial_tracker(mrcreview.load_studies(root=project))
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table.splitlines()[2:]]


def test_the_trial_tracker_lists_only_studies_with_a_trial_registrys_number(minimal_project):
    # beta has no registry number: it is not a registered trial, and stays in the register only
    assert [row[0] for row in tracker_rows(minimal_project)] == ["Alpha trial"]
    # a systematic review's PROSPERO number does not make it a trial either
    registered(minimal_project, "PROSPERO CRD42017070934")
    assert [row[0] for row in tracker_rows(minimal_project)] == ["Alpha trial"]


def test_the_trial_tracker_lists_trials_still_running_first_and_says_what_it_does_not_hold(minimal_project):
    # alpha (completed) sorts before beta by name; beta is still running, so it comes first
    registered(minimal_project)
    rows = tracker_rows(minimal_project)
    assert [(row[0], row[6]) for row in rows] == [("Beta cohort", "ongoing"), ("Alpha trial", "completed")]
    beta = rows[0]
    assert beta[2:6] == ["Adults after treatment", "not recorded", "40 enrolled", "ISRCTN00000002"]


def test_a_column_repeating_one_value_becomes_a_note_under_the_table():
    from mrcreview.tables import numbered_table, table_with_note

    header = ["Study", "Arm or group", "Value", "Source"]
    rows = [
        ["RAPIDO", "short-course", "[12%](#ev-a)", "{cite}`k`"],
        ["RAPIDO", "long-course", "[12%](#ev-b)", "{cite}`k`"],
    ]
    text = numbered_table("tbl-x", "Numbers.", table_with_note(header, rows))
    table, note = text.split(":::\n")  # the directive, then what follows it
    # Study and Source say the same on every row: said once, after the table's frame; the numbers stay
    assert "| Arm or group | Value |" in table and "Source" not in table and "RAPIDO" not in table
    assert note.strip() == "Every row of this table — Study: RAPIDO; Source: {cite}`k`."
    # a single row, or values that differ, stay in their columns
    assert table_with_note(header, rows[:1]).startswith("| Study | Arm or group | Value | Source |")


def test_a_chapters_evidence_list_names_unidentified_works_in_one_sentence(minimal_project):
    """Works the source review cites but that are not yet identified have no name, design or size: the
    list says so once, by their reference numbers, instead of a line of "not identified" for each."""
    studies = minimal_project / "data" / "studies.csv"
    studies.write_text(
        studies.read_text()
        + "ref74,Review reference 74 (not identified),not identified,Someone,,,,,,not applicable,2026-01-15,"
        "smith2020alpha,74,,,,\n"
        + "ref33,Review reference 33 (not identified),not identified,Someone,,,,,,not applicable,2026-01-15,"
        "smith2020alpha,33,,,,\n"
    )
    outcomes = minimal_project / "data" / "outcomes.csv"
    outcomes.write_text(
        outcomes.read_text()
        + "ref74-gain,ref74,all,gain,,,2,,,months,,,,smith2020alpha,review text,74\n"
        + "ref33-gain,ref33,all,gain,,,3,,,months,,,,smith2020alpha,review text,33\n"
    )
    text = mrcreview.evidence_summary_markdown("alpha-response", "ref74-gain", "ref33-gain", root=minimal_project)
    lines = [line for line in text.splitlines() if line]
    assert lines[0] == "- Alpha trial: randomised phase III, n = 100 randomised {cite:p}`smith2020alpha`"
    assert len(lines) == 2 and "not identified, n not reported" not in text and "Review reference" not in text
    assert "(its references 33 and 74)" in lines[1] and lines[1].count("{cite:p}`smith2020alpha`") == 1
    assert lines[1].endswith("see {doc}`references-to-identify`.")


def test_the_numbers_under_a_forest_plot_give_each_interval_at_its_own_level(minimal):
    """A stated interval keeps its level and its digits (3.0, 1.3-6.9 at 99%); a computed one says 95%."""
    from mrcreview.tables import table_forest

    outcomes = mrcreview.load_outcomes(root=minimal)
    outcomes.loc[outcomes["outcome_id"] == "alpha-hr", ["ci_level", "ci_lower_text", "ci_upper_text"]] = [
        0.99,
        "0.6",
        "1.1",
    ]
    table = table_forest(outcomes[outcomes["outcome_id"].isin(["alpha-hr", "alpha-response"])])
    header, _, *rows = table.replace("\\", "").splitlines()  # as read, without Markdown's escapes
    assert "95%" not in header and "| Confidence interval |" in header
    ratio, proportion = (next(row for row in rows if f"<ev-alpha-{name}>" in row) for name in ("hr", "response"))
    assert "| 99% CI 0.6–1.1 | stated |" in ratio and "| 95% CI 14.2%–40.2% | Wilson |" in proportion


def test_the_trial_tracker_gives_the_primary_outcome_where_it_was_seen_and_the_patients_as_counted(minimal_project):
    """ERASur's protocol states its primary outcome (overall survival) and its planned enrolment; PROSPECT's
    source counts its patients as eligible: the tracker says so, and guesses nothing where no source did."""
    studies = minimal_project / "data" / "studies.csv"
    studies.write_text(
        studies.read_text().replace(
            "Adults with a test condition,,,100,randomised,",
            "Adults with a test condition,overall survival,trial protocol (BMC Cancer),1194,eligible,",
        )
    )
    registered(minimal_project)
    rows = {row[0]: row for row in tracker_rows(minimal_project)}
    assert rows["Alpha trial"][3:5] == [
        "overall survival (seen in: trial protocol \\(BMC Cancer\\))",
        "1\\,194 eligible",
    ]
    assert rows["Beta cohort"][3:5] == ["not recorded", "40 enrolled"]
    header = mrcreview.table_trial_tracker(mrcreview.load_studies(root=minimal_project)).splitlines()[0]
    assert "planned or enrolled" not in header


def test_a_table_of_studies_lists_them_whether_or_not_a_registry_holds_them(minimal):
    """The ctDNA studies have no registry number: a list of studies must not be the tracker's, which
    keeps only registered trials and so showed none of them."""
    table = mrcreview.table_studies(mrcreview.load_studies(root=minimal))
    rows = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in table.splitlines()[2:]]
    assert [row[0] for row in rows] == ["Alpha trial", "Beta cohort"]
    assert rows[1][1:4] == ["prospective cohort", "Adults after treatment", "40 enrolled"]


def test_the_data_dictionary_shows_patterns_and_values_marked_in_backticks_as_code():
    field = {
        "name": "record_id",
        "type": "string",
        "description": "`other:<surname>-<year>` or `a|b`, then <script> | {cite:p}`x` and a lone ` here",
        "constraints": {"required": True, "pattern": "(pmid:[0-9]+|other:[a-z]+)"},
    }
    descriptor = {"resources": [{"name": "log", "schema": {"fields": [field]}}]}
    html = (
        markdown_it.MarkdownIt("commonmark").enable("table").render(mrcreview.table_data_dictionary(descriptor, "log"))
    )
    cells = re.findall(r"<td>(.*?)</td>", html)
    assert len(cells) == 4  # no | in a pattern or a description ends its cell
    assert cells[2] == "required, pattern <code>(pmid:[0-9]+|other:[a-z]+)</code>"
    # an odd number of backticks: all of it text, escaped
    assert "<code>" not in cells[3] and "&lt;script&gt; | {cite:p}`x` and a lone ` here" in cells[3]
    field["description"] = "`other:<surname>-<year>` or `a|b`, then <script> | text"
    html = (
        markdown_it.MarkdownIt("commonmark").enable("table").render(mrcreview.table_data_dictionary(descriptor, "log"))
    )
    assert re.findall(r"<td>(.*?)</td>", html)[3] == (
        "<code>other:&lt;surname&gt;-&lt;year&gt;</code> or <code>a|b</code>, then &lt;script&gt; | text"
    )
