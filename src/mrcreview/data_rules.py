"""Rules across the columns of a row and across tables, which a Table Schema cannot state."""

from datetime import date

from mrcreview.problems import Problem
from mrcreview.untrusted import DECIMAL

# A proportion computed from its numerator and denominator may differ from the
# reported value by rounding to a whole percent.
ROUNDING = 0.0051


def _number(text: str) -> float | None:
    # anything but a plain decimal is reported by cell_problem
    return float(text) if DECIMAL.fullmatch(text) else None


def outcome_problems(file: str, rows: list[tuple[int, dict]]) -> list[Problem]:
    """Rules across the columns of one reported number."""
    problems = []
    for line, row in rows:
        value, unit = _number(row["value"]), row["unit"]
        numerator, denominator = _number(row["numerator"]), _number(row["denominator"])
        low, high = _number(row["ci_lower"]), _number(row["ci_upper"])
        if value is None or value < 0:
            continue  # a missing, mistyped or negative value is reported by the schema check
        if unit == "proportion" and not 0 <= value <= 1:
            problems.append(
                Problem(file, line, "value", "a proportion between 0 and 1 (87.5% is written 0.875)", row["value"])
            )
        if unit == "count" and value != int(value):
            problems.append(Problem(file, line, "value", "a whole number for a count", row["value"]))
        if numerator is not None and denominator is not None:
            if numerator > denominator:
                problems.append(
                    Problem(
                        file, line, "numerator", f"at most the denominator ({row['denominator']})", row["numerator"]
                    )
                )
            elif unit == "proportion" and abs(value - numerator / denominator) > ROUNDING:
                problems.append(
                    Problem(
                        file,
                        line,
                        "value",
                        f"numerator/denominator = {row['numerator']}/{row['denominator']} = "
                        f"{numerator / denominator:.3f} (within rounding)",
                        row["value"],
                    )
                )
        if (low is None) != (high is None) or (low is not None and row["ci_level"] == ""):
            problems.append(
                Problem(
                    file,
                    line,
                    "ci_lower",
                    "ci_lower, ci_upper and ci_level all given, or none",
                    f"ci_lower={row['ci_lower']!r}, ci_upper={row['ci_upper']!r}, ci_level={row['ci_level']!r}",
                )
            )
        elif low is not None and not low <= value <= high:
            interval = f"{row['ci_lower']}–{row['ci_upper']}"
            problems.append(Problem(file, line, "value", f"a value inside its interval {interval}", row["value"]))
        elif low is not None and unit == "proportion" and high > 1:
            problems.append(Problem(file, line, "ci_upper", "a proportion between 0 and 1", row["ci_upper"]))
    return problems


RATIO_UNITS = {"hazard_ratio", "odds_ratio", "relative_risk"}
UNITS = RATIO_UNITS | {"proportion", "count", "months", "years", "cm"}  # others are reported by the schema check


def figure_problems(
    file: str, figures: list[tuple[int, dict]], shown_rows: list[tuple[int, dict]], units: dict[str, str]
) -> list[Problem]:
    """A figure is drawable: bars say what labels them and show proportions; a forest plot shows
    proportions or ratios, not both; a pooling rule comes with its reason; every figure shows a row."""
    problems = []
    shows: dict[str, list[str]] = {}
    for _, row in shown_rows:
        shows.setdefault(row["figure_id"], []).append(units.get(row["outcome_id"], ""))
    for line, row in figures:
        chart, figure_units = row["chart"], shows.get(row["figure_id"], [])
        if not figure_units:
            problems.append(Problem(file, line, "figure_id", "a figure with rows in data/figure_rows.csv", "none"))
        if chart == "bars":
            if not row["bars_by"]:
                problems.append(
                    Problem(file, line, "bars_by", "what labels each bar, for a bar chart", "an empty cell")
                )
            if row["pool"]:
                problems.append(
                    Problem(file, line, "pool", "an empty cell for a bar chart (forest plots only)", row["pool"])
                )
            if any(unit != "proportion" for unit in figure_units if unit in UNITS):
                expected = "a bar chart of proportions only (ratios, counts and times go in a forest plot or the text)"
                problems.append(Problem(file, line, "chart", expected, ", ".join(sorted(set(figure_units)))))
        elif chart == "forest":
            for column in ("bars_by", "colour_by"):
                if row[column]:
                    problems.append(Problem(file, line, column, "an empty cell for a forest plot", row[column]))
            kinds = {"ratio" if unit in RATIO_UNITS else unit for unit in figure_units if unit in UNITS}
            if kinds - {"proportion", "ratio"} or len(kinds) > 1:
                expected = "a forest plot of proportions only or of ratios only"
                problems.append(Problem(file, line, "chart", expected, ", ".join(sorted(set(figure_units)))))
        if row["pool"] and not row["pooling_reason"]:
            problems.append(
                Problem(file, line, "pooling_reason", "why the numbers are or are not pooled", "an empty cell")
            )
    return problems


OTHER_SOURCES = "other-sources"  # the search_id of records a reviewer found elsewhere and added by hand


def screening_problems(
    file: str, rows: list[tuple[int, dict]], today: date, searches: list[tuple[int, dict]] = ()
) -> list[Problem]:
    """A decision a reviewer can stand by: every exclusion says why, every inclusion names its entry in
    refs.bib, an id matches its PMID or DOI, nothing was found in the future, and every record was found by
    an update search that has run or added by hand from other sources (else the PRISMA flow would count a
    record found by nothing)."""
    by_id = {row["search_id"]: row for _, row in searches}
    problems = []
    for line, row in rows:
        if row["decision"] == "excluded" and not row["reason"].strip():
            problems.append(Problem(file, line, "reason", "why the record was excluded", "an empty cell"))
        if row["decision"] == "included" and not row.get("citation_key"):
            expected = "the key of the included record's entry in refs.bib (add the entry, then its key here)"
            problems.append(Problem(file, line, "citation_key", expected, "an empty cell"))
        search = by_id.get(row["search_id"])
        if row["search_id"] != OTHER_SOURCES and (
            search is None or search["run_by"] == "source review" or not search["run_on"]
        ):
            why = (
                "is no search_id of data/searches.csv"
                if search is None
                else "is the source review's"
                if search["run_by"] == "source review"
                else "has not run"
            )
            expected = f"an update search that has run, or {OTHER_SOURCES} for a record added by hand"
            problems.append(
                Problem(file, line, "search_id", f"{expected} ({row['search_id'][:60]} {why})", repr(row["search_id"]))
            )
        if _future(row["found_on"], today):
            problems.append(Problem(file, line, "found_on", f"a date not after today ({today})", row["found_on"]))
        kind, _, identifier = row["record_id"].partition(":")
        if kind in ("pmid", "doi") and row.get(kind) and row[kind].casefold() != identifier.casefold():
            # the refresh knows a record by its id, a reader follows its PMID or DOI: they must be one work
            expected = f"the {kind.upper()} of its record_id ({identifier[:60]}) or an empty cell"
            problems.append(Problem(file, line, kind, expected, repr(row[kind])))
    return problems


def search_problems(file: str, rows: list[tuple[int, dict]], today: date) -> list[Problem]:
    return [
        Problem(file, line, "run_on", f"a date not after today ({today})", row["run_on"])
        for line, row in rows
        if _future(row["run_on"], today)
    ]


def _future(text: str, today: date) -> bool:
    try:
        return date.fromisoformat(text) > today
    except ValueError:
        return False  # empty or malformed: the schema check reports it


# Columns of studies.csv that say what another means: each is given with the other, or neither is.
STUDY_PAIRS = (
    ("n_patients", "n_patients_kind", "what n_patients counts (eligible, enrolled, randomised...)"),
    ("primary_outcome", "primary_outcome_source", "where the primary outcome was seen"),
)


def study_problems(file: str, rows: list[tuple[int, dict]], today: date) -> list[Problem]:
    problems = [
        Problem(file, line, field, f"a date no later than today ({today})", row[field])
        for line, row in rows
        for field in ("status_checked", "registry_updated")
        if _future(row.get(field, ""), today)
    ]
    for line, row in rows:
        for given, saying, what in STUDY_PAIRS:
            if saying not in row:
                continue  # a release snapshot keeps the columns of its day
            if row.get(given) and not row.get(saying):
                problems.append(Problem(file, line, saying, f"{what}, with {given}", "an empty cell"))
            elif row.get(saying) and not row.get(given):
                problems.append(Problem(file, line, given, f"a value, or no {saying} either", "an empty cell"))
    return problems


def review_reference_problems(file: str, rows: list[tuple[int, dict]]) -> list[Problem]:
    return [
        Problem(
            file,
            line,
            "citation_key",
            "a citation key for an identified reference (or another status)",
            "an empty cell",
        )
        for line, row in rows
        if row["status"] == "identified" and not row["citation_key"]
    ]


def citation_key_problems(tables: dict[str, list[tuple[int, dict]]], keys: set[str]) -> list[Problem]:
    return [
        Problem(file, line, "citation_key", "a key defined in refs.bib", repr(row["citation_key"]))
        for file, rows in tables.items()
        for line, row in rows
        if row.get("citation_key") and row["citation_key"] not in keys
    ]
