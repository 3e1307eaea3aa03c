"""What an edit rebuilds: exactly the pages it changes, and no page left showing what it was before."""

import os
import re
import subprocess
from datetime import date

import pytest

from helpers import (
    chart_specs,
    citations_reach_the_works_they_cite,
    page,
    read_again,
    read_times,
    run_module,
    site_digest,
    table_of,
)
from mrcreview.data_history import last_data_edit

pytestmark = pytest.mark.build


def test_changed_value_reaches_prose_table_figure_and_register(rebuildable_project):
    project = rebuildable_project
    # a second build with nothing changed leaves the site as it is
    before = site_digest(project / "_build" / "html")
    again = run_module("build", cwd=project)
    assert again.returncode == 0 and "nothing changed since the last build" in again.stdout
    assert site_digest(project / "_build" / "html") == before
    outcomes = project / "data" / "outcomes.csv"
    text = outcomes.read_text(encoding="utf-8")
    assert text.count(",0.476,") == 1 and "47.6%" in page(project, "organ-preservation")
    edited_before = last_data_edit(project)  # the living status's line: the session's copy is a git clone
    outcomes.write_text(text.replace(",0.476,", ",0.512,"), encoding="utf-8")
    status_changes = last_data_edit(project) != edited_before  # as committed before, changed since now

    read, written = read_times(project), read_times(project, "html")
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stderr[-2000:]
    html = page(project, "organ-preservation")
    prose = html[: html.index('id="fig-palliative-scrt"')]
    assert "51.2%" in prose
    assert "51.2%" in table_of(html, "tbl-palliative-scrt")
    assert '"value": 0.512' in chart_specs(html)[0]
    assert "51.2%" in page(project, "evidence-register-p-q")
    # the old value survives only where What's new reports the change itself
    assert "47.6% → 51.2%" in page(project, "whats-new")
    for path in (project / "_build" / "html").rglob("*.html"):
        content = path.read_text(encoding="utf-8").replace("47.6% → 51.2%", "")
        assert "47.6%" not in content and "0.476" not in content, path
    # exactly the pages that show the row were read (and their code run) again, What's new among them
    showing = {p.stem for p in (project / "_build" / "html" / "book").glob("*.html") if "51.2%" in p.read_text()}
    assert {"organ-preservation", "evidence-register-p-q", "whats-new"} <= showing
    # (and the download page, which publishes the changed outcomes.csv); not the register's other pages
    front = {"index"} if status_changes else set()
    assert read_again(project, read) == showing | {"download"} | front
    # and only those written again, with the pages whose tables of contents hold them (Sphinx's rule)
    assert read_again(project, written, "html") == showing | {"download", "index", "evidence-register"}
    assert executed(project) == {name for name in showing if "{code-cell}" in page_source(project, name)}

    # a study's name is printed beside its numbers: renaming it re-runs the chapters that show it, and
    # a new first letter moves its entries to another page of the register, where every link now goes
    studies = project / "data" / "studies.csv"
    old_name, new_name = "Palliative short-course RT (phase II)", "Short-course RT for palliation (phase II)"
    assert studies.read_text(encoding="utf-8").count(old_name) == 1
    studies.write_text(studies.read_text(encoding="utf-8").replace(old_name, new_name), encoding="utf-8")
    # and a new glossary term: its first use links to it on every page, even one not read again
    glossary, linked = project / "book" / "glossary.md", '<a class="glossary-term reference internal"'
    assert f'{linked} href="glossary.html#term-DOI">' not in page(project, "bibliography")
    text = glossary.read_text(encoding="utf-8")
    glossary.write_text(text.replace("\nESTRO\n", "\nDOI\n  Digital object identifier.\n\nESTRO\n"), encoding="utf-8")
    read = read_times(project)
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stderr[-2000:]
    moved = {"evidence-register", "evidence-register-p-q", "evidence-register-s-z"}
    assert {"organ-preservation", "trial-tracker"} | moved <= read_again(project, read)
    for path in (project / "_build" / "html").rglob("*.html"):
        assert old_name not in path.read_text(encoding="utf-8"), path
        assert "evidence-register-p-q.html#ev-picardi" not in path.read_text(encoding="utf-8"), path
    assert new_name in page(project, "organ-preservation")
    assert 'href="evidence-register-s-z.html#ev-picardi-colostomy-free-3y"' in page(project, "organ-preservation")
    assert 'id="ev-picardi-colostomy-free-3y"' in page(project, "evidence-register-s-z")
    assert 'href="evidence-register-s-z.html#reg-picardi"' in page(project, "evidence-register")
    assert "bibliography" not in read_again(project, read)
    assert f'{linked} href="glossary.html#term-DOI">DOI</a>' in page(project, "bibliography")

    # a reference corrected in refs.bib reaches its bibliography entry and the tooltips of its citations
    # (a build reuses the references the last one formatted, but only those that did not change), and
    # one added at the top of refs.bib in the same edit moves no citation of an unchanged page to another work
    bib, old_title = project / "refs.bib", "Organ preservation in patients with rectal adenocarcinoma"
    new_title = old_title.replace(" in ", " for ")
    pages = {p for p in (project / "_build" / "html").rglob("*.html") if old_title in p.read_text(encoding="utf-8")}
    assert {"bibliography.html", "choosing-radiotherapy.html"} <= {p.name for p in pages}
    text = bib.read_text(encoding="utf-8").replace(old_title, new_title)
    first = text.index("@")
    added = "@misc{aaaadded2026,\n  author = {Nobody, A.},\n  title = {Added first},\n  year = {2026},\n"
    added += "  publisher = {Example},\n  url = {https://example.org/added}\n}\n\n"
    bib.write_text(text[:first] + added + text[first:], encoding="utf-8")
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stderr[-2000:]
    for path in (project / "_build" / "html").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert old_title not in text and (new_title in text) == (path in pages), path
    assert "Added first" in page(project, "bibliography")
    assert citations_reach_the_works_they_cite(project) > 100


def test_titles_and_numbers_of_a_page_change_on_every_page_that_shows_them(rebuildable_project):
    project = rebuildable_project
    methods, rationale = project / "book" / "methods.md", project / "book" / "rationale.md"
    old_title = re.search(r"^# (.+)$", rationale.read_text(encoding="utf-8"), re.M).group(1)
    new_title = f"{old_title} (retitled)"
    showing = {p.name for p in (project / "_build" / "html").rglob("*.html") if old_title in p.read_text()}
    assert {"index.html", "methods.html", "evidence-register-r.html"} <= showing  # navigation and links
    # a chapter retitled, while another page starts citing one of its tables by number
    rationale.write_text(rationale.read_text(encoding="utf-8").replace(f"# {old_title}\n", f"# {new_title}\n"))
    cited = "\nA table of another chapter: {numref}`tbl-preferences`.\n"
    methods.write_text(methods.read_text(encoding="utf-8") + cited)
    read = read_times(project)
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stderr[-2000:]
    for path in (project / "_build" / "html").rglob("*.html"):
        text = path.read_text(encoding="utf-8").replace(new_title, "")
        assert old_title not in text, path
    assert read_again(project, read) == {"rationale", "methods"}  # the others are rewritten, not run again

    def number(name: str) -> str:
        return re.search(r'#tbl-preferences"><span class="std std-numref">([^<]+)<', page(project, name)).group(1)

    before = number("methods")
    # a table placed earlier in the chapter that holds tbl-preferences moves its number on
    text = rationale.read_text(encoding="utf-8")
    first = text.index("\n## ") + 1
    table = "```{table} A table placed first\n:name: tbl-placed-first\n\n| Term | Use |\n|---|---|\n| a | b |\n```\n\n"
    rationale.write_text(text[:first] + table + text[first:], encoding="utf-8")
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stderr[-2000:]
    assert number("rationale") != before and number("methods") == number("rationale")


def test_a_study_added_today_rebuilds_only_the_pages_that_show_it(rebuildable_project):
    project = rebuildable_project
    studies, outcomes = project / "data" / "studies.csv", project / "data" / "outcomes.csv"
    today = date.today().isoformat()  # the new study is checked last
    with studies.open("a", encoding="utf-8") as file:
        file.write(
            "zeta,ZETA,single-arm phase II,Rectal cancer with synchronous metastases,,,40,planned,NCT09999999,"
            f"ongoing,{today},ghalehtaki2025,83,,,,\n"
        )
    with outcomes.open("a", encoding="utf-8") as file:
        file.write("zeta-enrolled,zeta,all,patients,,,40,,,count,,,,ghalehtaki2025,review text,83\n")
    read, written = read_times(project), read_times(project, "html")
    result = run_module("build", cwd=project)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ZETA" in page(project, "trial-tracker")
    # the pages that list studies or numbers; not the chapters that show none of the new rows
    unaffected = {"background", "glossary", "rationale", "choosing-radiotherapy", "metastasis-directed"}
    assert unaffected.isdisjoint(read_again(project, read))
    assert unaffected.isdisjoint(read_again(project, written, "html"))
    assert "trial-tracker" in executed(project) and unaffected.isdisjoint(executed(project))


def test_a_commit_of_the_data_reaches_the_front_page_though_no_file_changed(rebuildable_project):
    """The living status dates the data by their last commit: a commit must reach the front page, and only
    it, while a build with nothing committed since stays a build with nothing to do."""
    project = rebuildable_project
    if not (project / ".git").exists():  # the project the tests ran from was not a git clone
        commit(project, None, "init", "-q")
        commit(project, "2026-01-10T09:00:00+00:00", "add", "-A")
    # refs.bib taken out of the history and put back, on 4 March 2026: the files stay as they are
    commit(project, "2026-03-03T09:00:00+00:00", "rm", "-q", "--cached", "refs.bib")
    commit(project, "2026-03-04T09:00:00+00:00", "add", "-A", "--", "data", "refs.bib")
    read = read_times(project)
    result = run_module("build", cwd=project)
    assert result.returncode == 0 and "nothing changed" not in result.stdout, result.stderr[-2000:]
    assert read_again(project, read) == {"index"}
    assert "Data last edited on 4 March 2026" in re.sub(r"<[^>]+>", "", page(project, "index"))
    assert "nothing changed since the last build" in run_module("build", cwd=project).stdout
    # taken out of the history again, not committed: the front page says so
    commit(project, None, "rm", "-q", "--cached", "refs.bib")
    read = read_times(project)
    assert run_module("build", cwd=project).returncode == 0
    assert read_again(project, read) == {"index"}
    assert "Data last edited: changed since the last commit" in re.sub(r"<[^>]+>", "", page(project, "index"))


def commit(project, when: str | None, *command: str) -> None:
    """git command in project, then (when is a date) a commit of what it staged, dated when."""
    identity = {"GIT_AUTHOR_NAME": "Someone", "GIT_AUTHOR_EMAIL": "someone@example.org"}
    identity |= {"GIT_COMMITTER_NAME": "Someone", "GIT_COMMITTER_EMAIL": "someone@example.org"}
    environment = {"PATH": os.environ["PATH"], "HOME": str(project.parent), "GIT_CONFIG_NOSYSTEM": "1", **identity}
    subprocess.run(["git", *command], cwd=project, env=environment, check=True, capture_output=True)
    if when is not None:
        dated = environment | {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
        subprocess.run(
            ["git", "commit", "-q", "-m", "an edit"], cwd=project, env=dated, check=True, capture_output=True
        )


def executed(project) -> set[str]:
    """The chapters the last build ran, as its log names them."""
    log = (project / "_build" / "build.log").read_text(encoding="utf-8")
    return set(re.findall(r"book/([\w-]+)\.md: Executing notebook", log))


def page_source(project, name: str) -> str:
    return (project / "book" / f"{name}.md").read_text(encoding="utf-8")
