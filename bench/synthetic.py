"""Schema-valid synthetic evidence at a multiple of today's size, to measure how the book scales.

    python bench/synthetic.py PROJECT [--multiple 50] [--seed 1]

Grows the data of the project copy in PROJECT in place: copy k of every study gets its own id,
name, reference (a copy of the study's bibliography entry whose only link is an example.org
address, so no DOI or PMID is claimed twice) and outcome rows, whose counts are redrawn from a
seeded generator; figures grow with their rows. Nothing here is evidence: it exists to be built
and timed.
"""

import argparse
import random
from pathlib import Path

import bibtexparser
from build_speed import NEW, OLD

from mrcreview.surveillance import csv_text, read_csv_rows

# The values build_speed.py writes into its edited row: no synthetic row may show them, or the
# staleness verdict would find them on pages the edit does not concern.
AVOIDED = {OLD[0], NEW[0]}


def write_rows(path: Path, fields: list[str], rows: list[dict]) -> None:
    path.write_text(csv_text(fields, rows), encoding="utf-8")


def redrawn(row: dict, rng: random.Random) -> dict:
    """A proportion gets a new value (from new counts where it has counts) and no interval, which would no
    longer fit it; other values are kept as they are, which is always valid."""
    if row["unit"] != "proportion":
        return dict(row)
    while True:
        if row["numerator"] and row["denominator"]:
            denominator = rng.randint(10, 400)
            numerator = rng.randint(0, denominator)
            value = f"{numerator / denominator:.3f}"
            counts = {"numerator": str(numerator), "denominator": str(denominator)}
        else:
            value, counts = f"{rng.random():.3f}", {}
        if value not in AVOIDED:
            return row | counts | {"value": value, "ci_lower": "", "ci_upper": "", "ci_level": ""}


def grow(project: Path, multiple: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    data = project / "data"
    study_fields, studies = read_csv_rows(data / "studies.csv")
    outcome_fields, outcomes = read_csv_rows(data / "outcomes.csv")
    figure_fields, figure_rows = read_csv_rows(data / "figure_rows.csv")
    library = bibtexparser.parse_file(str(project / "refs.bib"))
    entries = {entry.key: entry for entry in library.entries}
    in_figures = {}
    for row in figure_rows:
        in_figures.setdefault(row["outcome_id"], []).append(row["figure_id"])

    cited = sorted({row["citation_key"] for row in studies + outcomes if row["citation_key"]})
    new_studies, new_outcomes, new_figure_rows, new_entries = [], [], [], []
    for copy in range(1, multiple):
        for key in cited:
            fields = {f.key: f.value for f in entries[key].fields if f.key not in ("doi", "pmid", "url")}
            fields["title"] = f"{fields.get('title', 'Untitled')} (synthetic copy {copy})"
            fields["url"] = f"https://example.org/synthetic/{key}x{copy}"  # an address for no real record
            body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
            new_entries.append(f"@{entries[key].entry_type}{{{key}x{copy},\n{body}\n}}\n")
        for study in studies:
            new_studies.append(
                study
                | {
                    "study_id": f"{study['study_id']}-x{copy}",
                    "short_name": f"{study['short_name']} (synthetic {copy})",
                    "registry_id": "",
                    "record_url": "",
                    "citation_key": f"{study['citation_key']}x{copy}" if study["citation_key"] else "",
                }
            )
        for row in outcomes:
            outcome_id = f"{row['outcome_id']}-x{copy}"
            new_outcomes.append(
                redrawn(row, rng)
                | {
                    "outcome_id": outcome_id,
                    "study_id": f"{row['study_id']}-x{copy}",
                    "citation_key": f"{row['citation_key']}x{copy}" if row["citation_key"] else "",
                }
            )
            figures = in_figures.get(row["outcome_id"], [])
            new_figure_rows += [{"figure_id": figure, "outcome_id": outcome_id} for figure in figures]

    write_rows(data / "studies.csv", study_fields, studies + new_studies)
    write_rows(data / "outcomes.csv", outcome_fields, outcomes + new_outcomes)
    write_rows(data / "figure_rows.csv", figure_fields, figure_rows + new_figure_rows)
    with (project / "refs.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n" + "\n".join(new_entries))
    return {
        "studies": len(studies) + len(new_studies),
        "outcomes": len(outcomes) + len(new_outcomes),
        "references": len(entries) + len(new_entries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path)
    parser.add_argument("--multiple", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(grow(args.project, args.multiple, args.seed))


if __name__ == "__main__":
    main()
