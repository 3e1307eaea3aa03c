"""The check's rules for the summary of findings' tables, beyond what their schema states: each question
names a chapter that exists, and each certainty rating names its outcome and the GRADE domain behind every
level it was rated down."""

from datetime import date
from pathlib import Path

from mrcreview.problems import Problem

LEVELS = ["very low", "low", "moderate", "high"]
DOMAINS = ["risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias"]
LEVELS_PER_DOMAIN = 2  # GRADE rates down one level for a serious concern, two for a very serious one


def question_problems(file: str, rows: list[tuple[int, dict]], root: Path) -> list[Problem]:
    # the schema holds chapter to [a-z][a-z0-9-]*: it cannot name a path outside book/
    return [
        Problem(file, line, "chapter", "the name of a chapter file in book/, without .md", repr(row["chapter"]))
        for line, row in rows
        if row["chapter"] and not (root / "book" / f"{row['chapter']}.md").is_file()
    ]


def certainty_problems(
    file: str, rows: list[tuple[int, dict]], outcomes: set[tuple[str, str]], today: date
) -> list[Problem]:
    """A rating is of an outcome the summary shows, and says why it sits below (or above) where it started."""
    problems = []
    for line, row in rows:
        question, outcome = row["question_id"], row["outcome"]
        if question and outcome and (question, outcome) not in outcomes:
            expected = f"an outcome that data/question_outcomes.csv lists for the question {question!r}"
            problems.append(Problem(file, line, "outcome", expected, repr(outcome)))
        if _future(row["rated_on"], today):
            problems.append(Problem(file, line, "rated_on", f"a date no later than today ({today})", row["rated_on"]))
        if row["starting_level"] not in LEVELS or row["rating"] not in LEVELS:
            continue  # the schema check names the allowed levels
        start, rating = row["starting_level"], row["rating"]
        down = LEVELS.index(start) - LEVELS.index(rating)
        named = [domain for domain in DOMAINS if row[domain].strip()]
        if down > 0 and not named:
            expected = (
                f"the GRADE domain behind the rating down from {start} to {rating}: a reason in "
                + ", ".join(DOMAINS[:-1])
                + f" or {DOMAINS[-1]}"
            )
            problems.append(Problem(file, line, "rating", expected, "no domain given"))
        elif down > LEVELS_PER_DOMAIN * len(named):
            expected = f"at most {LEVELS_PER_DOMAIN} levels down for each domain given ({', '.join(named)})"
            problems.append(Problem(file, line, "rating", expected, f"{down} levels down from {start}"))
        if down < 0 and not row["upgrades"].strip():
            expected = f"why the evidence was rated up from {start} to {rating}"
            problems.append(Problem(file, line, "upgrades", expected, "an empty cell"))
    return problems


def _future(text: str, today: date) -> bool:
    try:
        return date.fromisoformat(text) > today
    except ValueError:
        return False  # empty or malformed: the schema check reports it
