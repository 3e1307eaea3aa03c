"""What a release keeps, in releases/<version>/: the files What's new compares, and the columns it compares.

Its own module, without imports: the check (release_snapshots.py) and What's new (changes.py) both read it,
and the check must not load pandas for it."""

RELEASES = "releases"
SNAPSHOT = ("data/outcomes.csv", "data/studies.csv", "refs.bib")
RELEASE_FILE = "release.json"  # the release's version, date and note
COMPARED = ["value", "numerator", "denominator", "unit", "bound", "ci_lower", "ci_upper", "ci_level"]
