"""The site builds from data, every number and citation reaching its source; a broken input never publishes."""

import html as html_text
import re
import subprocess
from datetime import date

import pytest

import mrcreview
from helpers import (
    ROOT,
    chart_specs,
    citations_reach_the_works_they_cite,
    page,
    run_module,
    site_digest,
    start_build,
    table_of,
    wait_for_log,
)

pytestmark = pytest.mark.build


def test_site_has_index_and_table_1_with_resolved_citations(built_project):
    assert (built_project / "_build" / "html" / "index.html").exists()
    html = page(built_project, "organ-preservation")
    table = table_of(html, "tbl-clinical-pathways")
    for _, row in mrcreview.load_clinical_pathways(root=built_project).iterrows():
        assert row["strategy"] in table
        assert row["key_steps"] in table
    # it keeps the source review's name: its title says Table 1, and this book gives it no number of its own
    title = re.sub(r"<[^>]+>", "", table[table.index(">") + 1 : table.index("<table")]).strip()
    assert title.startswith("Table 1 of the source review"), title
    assert "caption-number" not in table
    # every citation in Table 1, or in the note under it that names the one source of every row, links to
    # an entry of the bibliography page
    end = html.index("</table>", html.index('id="tbl-clinical-pathways"'))
    note = html[end : html.index("<section", end)]
    assert "Every row of this table" in note
    links = re.findall(r'href="bibliography.html#([\w-]+)"', table + note)
    assert links
    bibliography = page(built_project, "bibliography")
    assert all(f'id="{anchor}"' in bibliography for anchor in links)
    assert citations_reach_the_works_they_cite(built_project) > 100


def test_prose_numbers_are_the_data_values(built_project):
    html = page(built_project, "organ-preservation")
    outcomes = mrcreview.load_outcomes(root=built_project)
    pain = outcomes.set_index("outcome_id").loc["picardi-pain"]
    # the source reports 87.5 %; the data stores 0.875; the page must print 87.5%
    assert pain["value_text"] == "0.875"
    prose = html[: html.index('id="fig-palliative-scrt"')]
    assert "87.5%" in prose
    assert "87.5%" in table_of(html, "tbl-palliative-scrt")
    assert '"value": 0.875' in chart_specs(html)[0]


@pytest.fixture
def good_site(rebuildable_project):
    """A private copy of the built project and its published site."""
    return rebuildable_project, site_digest(rebuildable_project / "_build" / "html")


def test_unknown_citation_key_in_data_stops_build_and_keeps_site(good_site):
    project, before = good_site
    outcomes = project / "data" / "outcomes.csv"
    lines = outcomes.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith("picardi-pain,"))
    lines[number] = lines[number].replace("ghalehtaki2025", "ghalehtaki2052")
    outcomes.write_text("".join(lines), encoding="utf-8")

    result = run_module("build", cwd=project)
    assert result.returncode == 1
    assert (
        f"data/outcomes.csv, line {number + 1}, field 'citation_key': expected a key defined in refs.bib; "
        "found 'ghalehtaki2052'"
    ) in result.stderr
    assert "Traceback" not in result.stderr
    assert site_digest(project / "_build" / "html") == before


@pytest.mark.parametrize(
    "mistake, message, outcome",
    [
        # the check catches a mistyped key before anything is built...
        ("Unknown number: {glue:text}`no-such-key`.", "found 'no-such-key'", "nothing was built"),
        # ...and the build catches a cell that fails when it runs
        (
            "```{code-cell} ipython3\nraise ValueError('a cell that raises')\n```",
            "a cell that raises",
            "published site",
        ),
    ],
)
def test_chapter_mistake_fails_build_and_keeps_site(good_site, mistake, message, outcome):
    project, before = good_site
    chapter = project / "book" / "organ-preservation.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n" + mistake + "\n", encoding="utf-8")
    inputs = (site_digest(project / "data"), (project / "refs.bib").read_bytes())
    result = run_module("build", cwd=project)
    assert result.returncode == 1
    # no step rewrites or deletes the inputs
    assert (site_digest(project / "data"), (project / "refs.bib").read_bytes()) == inputs
    assert message in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert outcome in result.stderr
    assert site_digest(project / "_build" / "html") == before


def test_rerun_after_failed_build_still_fails(good_site):
    project, before = good_site
    chapter = project / "book" / "organ-preservation.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nUnknown: {glue:text}`no-such-key`.\n", encoding="utf-8")
    assert run_module("build", cwd=project).returncode == 1
    # nothing changed since the failure: the second run must not publish the broken page
    assert run_module("build", cwd=project).returncode == 1
    assert site_digest(project / "_build" / "html") == before


def test_change_to_the_configuration_starts_the_build_afresh(good_site):
    project, _ = good_site
    # any change to a file every page depends on (configuration, templates, the package) starts afresh;
    # that a build from scratch makes the same site: test_interrupted_build's killed build
    with (project / "_config.yml").open("a", encoding="utf-8") as config:
        config.write("# a comment, which changes no setting\n")
    saved = project / "_build" / "work" / "_build" / ".doctrees" / "environment.pickle"
    assert saved.exists()
    (project / "_build" / "build.log").unlink()
    build = start_build(project)
    wait_for_log(project, "Running Sphinx", build)  # Sphinx has started: what the build kept is gone
    build.terminate()
    stdout, _ = build.communicate(timeout=120)
    assert "build: the configuration, the templates or the package changed; starting afresh." in stdout
    assert not saved.exists()


def register_pages(site) -> dict[str, str]:
    """The register's pages (not its first page, which lists them), by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in site.glob("evidence-register-*.html")}


# A number's details, up to the end of the number (their last line is a link to its register entry).
NUMBER_DETAILS = r'<span class="number-details".*?</a></span></span></span>'
# A number in a table: a link to its register entry.
LINKED = re.compile(r'href="(evidence-register-[a-z-]+\.html)#(ev-[\w-]+)"><span class="std std-ref">([^<]+)</span>')
# A number in prose: its button, and the details it opens, which link to its register entry.
NUMBER = re.compile(
    r'<button type="button" class="number-value" popovertarget="([\w-]+)" title="[^"]*">([^<]+)</button>'
    r'<span class="number-details" id="\1" popover="auto">.*?'
    r'href="(evidence-register-[a-z-]+\.html)#(ev-[\w-]+)"',
    re.S,
)


def test_every_glued_number_links_to_its_register_entry_with_the_same_value(built_project):
    site = built_project / "_build" / "html" / "book"
    parts = register_pages(site)
    checked = 0
    for chapter in site.glob("*.html"):
        if chapter.name in parts:
            continue
        text = chapter.read_text(encoding="utf-8")
        placed = [(part, anchor, shown) for _, shown, part, anchor in NUMBER.findall(text)]
        for part, anchor, shown in placed + [link for link in LINKED.findall(text) if "entry in" not in link[2]]:
            entry = parts[part][parts[part].index(f'id="{anchor}"') :]
            value = re.search(r"<strong>([^<]+)</strong>", entry).group(1)
            assert value == shown, (chapter.name, anchor)
            checked += 1
    used = mrcreview.numbers_used(root=built_project)
    assert checked >= sum(len(keys) for keys in used.values())
    # one entry per data row
    rows = len(mrcreview.load_outcomes(root=built_project))
    assert sum(text.count('id="ev-') for text in parts.values()) == rows
    studies = mrcreview.load_outcomes(root=built_project)["study_id"].nunique()
    index = (site / "evidence-register.html").read_text(encoding="utf-8")
    assert f"The register holds {rows} numbers from {studies} studies, on {len(parts)} pages" in index
    # every row is shown by a chapter, and the register says where
    assert sum(text.count("shown in:") for text in parts.values()) == rows


def test_the_register_is_split_by_the_first_letter_of_each_studys_name(built_project):
    site = built_project / "_build" / "html" / "book"
    outcomes = mrcreview.load_outcomes(root=built_project).set_index("outcome_id")
    parts = register_pages(site)
    assert len(parts) > 1
    for name, text in parts.items():
        first, last = re.search(r"<h1>Studies ([A-Z])(?:–([A-Z]))?</h1>", text).groups()
        entries = re.findall(r'id="ev-([\w-]+)"', text)
        initials = {outcomes.loc[entry, "short_name"][0].upper() for entry in entries}
        assert all(first <= initial <= (last or first) or not initial.isalpha() for initial in initials), name
    # the first page links each study to the page that holds its entries
    index = (site / "evidence-register.html").read_text(encoding="utf-8")
    linked = re.findall(r'href="(evidence-register-[a-z-]+\.html)#reg-([\w-]+)"', index)
    assert {study for _, study in linked} == set(outcomes["study_id"])
    for part, study in linked:
        held = parts[part][parts[part].index(f'id="reg-{study}"') :][:2000]
        name = outcomes.loc[outcomes["study_id"] == study, "short_name"].iloc[0]
        assert name in html_text.unescape(re.sub(r"<[^>]+>", "", held)), (part, study)


def test_every_data_row_is_shown_somewhere_besides_the_register(built_project):
    # a number carried in data/ but placed in no sentence, table or figure is evidence the reader never sees
    shown = set()
    for path in (built_project / "_build" / "html").rglob("*.html"):
        if not path.name.startswith("evidence-register"):
            shown |= set(re.findall(r'evidence-register-[a-z-]+\.html#ev-([\w-]+)"', path.read_text(encoding="utf-8")))
    assert set(mrcreview.load_outcomes(root=built_project)["outcome_id"]) - shown == set()


def test_every_page_shows_version_and_links_to_the_living_status(built_project):
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert f"version: {version}" in (built_project / "CITATION.cff").read_text()
    pages = [p for p in (built_project / "_build" / "html").rglob("*.html") if "_static" not in p.parts]
    # every page a reader sees; the site's root index.html only redirects to the book's first page
    shown = [p for p in pages if 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")]
    assert len(shown) == len(pages) - 1 and len(shown) > 20
    for path in shown:
        text = path.read_text(encoding="utf-8")
        assert f"Version {version}" in text and "How current the evidence is</a>" in text, path
        assert re.search(r'href="((\.\./)*(book/)?index\.html)?#living-status"', text), path
    front = (built_project / "_build" / "html" / "book" / "index.html").read_text(encoding="utf-8")
    assert 'id="living-status"' in front


def test_the_front_page_says_when_the_data_were_last_edited_as_git_tells_of_this_clone(built_project):
    """The session's build is the site CI publishes: built in a clone with the whole history (CI fetches it),
    its living status gives the day of the last commit that changed the data, or says they changed since."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()

    assert git("rev-parse", "--is-shallow-repository") == "false", "the tests run in a clone with its whole history"
    front = re.sub(r"<[^>]+>", "", page(built_project, "index"))
    if git("status", "--porcelain", "--untracked-files=all", "--", "data", "refs.bib"):
        assert "Data last edited: changed since the last commit." in front
    else:
        day = date.fromisoformat(git("log", "-1", "--first-parent", "--format=%cs", "--", "data", "refs.bib"))
        assert f"Data last edited on {day.day} {day:%B %Y}:" in front


def test_bibliography_links_every_doi_and_pmid(built_project):
    import bibtexparser

    bibliography = page(built_project, "bibliography")
    for entry in bibtexparser.parse_file(str(built_project / "refs.bib")).entries:
        fields = entry.fields_dict
        if "doi" in fields:
            assert f'href="https://doi.org/{fields["doi"].value}"' in bibliography, entry.key
        if "pmid" in fields:
            assert f'href="https://pubmed.ncbi.nlm.nih.gov/{fields["pmid"].value}/"' in bibliography, entry.key


def test_the_first_use_of_each_abbreviation_on_a_page_links_to_the_glossary(built_project):
    site = built_project / "_build" / "html" / "book"
    terms = re.findall(r'<dt id="term-[^"]+">([^<]+)<', (site / "glossary.html").read_text(encoding="utf-8"))
    assert len(terms) >= 20
    checked = 0
    for path in sorted(site.glob("*.html")):
        if path.name == "glossary.html":
            continue
        text = path.read_text(encoding="utf-8")
        article = text[text.index("<article") : text.index("</article>")]
        # headings, table titles and scripts are not prose: the build links no term there
        article = re.sub(r"<(h[1-6]|caption|script)\b.*?</\1>", "", article, flags=re.S)
        article = re.sub(NUMBER_DETAILS, "", article, flags=re.S)  # nor are a number's details
        article = re.sub(
            r'<a class="glossary-term[^"]*" href="glossary\.html#term-[^"]+">([^<]+)</a>', r"⟦\1⟧", article
        )
        # nor is the text of another link (a study's name in the register's list): a link holds no link
        article = re.sub(r'<a (?![^>]*class="glossary-term)[^>]*>.*?</a>', "", article, flags=re.S)
        words = html_text.unescape(re.sub(r"<[^>]+>", " ", article))
        for term in terms:
            uses = re.findall(rf"(?<![\w-])⟦?{re.escape(term)}⟧?(?![\w-])", words)
            if uses:
                assert uses[0] == f"⟦{term}⟧" and uses.count(f"⟦{term}⟧") == 1, (path.name, term, uses[:3])
                checked += 1
    assert checked >= 20


def test_the_search_page_draws_the_prisma_flow_of_the_screening_log(built_project):
    searches = mrcreview.load_searches(root=built_project)
    counts = mrcreview.prisma_counts(searches, mrcreview.load_screening(root=built_project))
    html = page(built_project, "search-and-screening")
    svg = html[html.index('<svg class="prisma-flow"') : html.index("</svg>", html.index('<svg class="prisma-flow"'))]
    stages = ["removed", "awaiting", "screened", "excluded", "included"]
    if mrcreview.update_search_run(searches):
        stages.append("identified")
    else:  # the update search has not run: its box says so, not "n = 0"
        assert "(not yet run)" in svg
    for stage in stages:
        assert f"(n = {counts[stage]})" in svg, stage


def test_the_threat_model_is_a_page_of_the_site_under_for_contributors(built_project):
    text = html_text.unescape(re.sub(r"<[^>]+>", " ", page(built_project, "security")))
    for guarantee in ("The finished site", "The files read", "own identity", "What is not covered"):
        assert guarantee in text, guarantee
    navigation = page(built_project, "index")
    contributors = navigation[navigation.index("For contributors") :]
    assert 'href="security.html"' in contributors
