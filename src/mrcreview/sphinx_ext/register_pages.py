"""The evidence register's pages (register.py), built as Sphinx reads them: no kernel and no
Markdown to parse. A contributor's text is placed as text: it is never read as markup."""

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from mrcreview.register import (
    REGISTER_PARTS,
    Entry,
    anchor,
    part_letters,
    register_contents,
    register_part_entries,
    study_anchor,
)
from mrcreview.sphinx_ext.data_used import read
from mrcreview.sphinx_ext.directives import role
from mrcreview.sphinx_ext.roles import std_ref
from mrcreview.untrusted import script_json


def counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class EvidenceRegister(SphinxDirective):
    """The register's first page: how many numbers it holds, and each of its pages with the studies
    on it, each linked to its entries. It is read again only when a study or a row is added, removed
    or renamed."""

    def run(self):
        contents = read(self.env, register_contents)
        numbers = sum(len(part.outcome_ids) for part in contents)
        studies = sum(len(part.studies) for part in contents)
        held = (
            f"The register holds {counted(numbers, 'number', 'numbers')} from {counted(studies, 'study', 'studies')}, "
            f"on {len(contents)} pages by the first letter of the study's name:"
        )
        pages = nodes.bullet_list()
        for part in contents:
            item = nodes.paragraph("", "", *role(self, "doc", part.page))
            if not part.studies:
                item += nodes.Text(": no study yet.")
            else:
                item += nodes.Text(f" ({counted(len(part.outcome_ids), 'number', 'numbers')}): ")
                for number, (study_id, name) in enumerate(part.studies):
                    item += [nodes.Text(" · ")] if number else []
                    item += std_ref(study_anchor(study_id), name)
            pages += nodes.list_item("", item)
        # Links made before the register was split (evidence-register.html#ev-<id>) are sent on to the
        # entry's page by register-moved.js, which reads where each entry is from this (ids are [a-z0-9-]).
        moved = {f"{part.page}.html": [anchor(i) for i in part.outcome_ids] for part in contents}
        where = f'<script type="application/json" id="register-pages">{script_json(moved)}</script>'
        return [nodes.paragraph(text=held), pages, nodes.raw("", where, format="html")]


class EvidenceRegisterPart(SphinxDirective):
    """One page of the register: every row of outcomes.csv whose study's name begins with the page's
    letters, under its study and source."""

    def run(self):
        page = Path(self.env.docname).name
        if page not in {name for name, _, _ in REGISTER_PARTS}:
            expected = ", ".join(f"book/{name}.md" for name, _, _ in REGISTER_PARTS)
            message = f"evidence-register-part: expected on one of the register's pages ({expected}); found {page}"
            return [self.state.document.reporter.warning(message, line=self.lineno)]
        sources = read(self.env, register_part_entries, page)
        letters = part_letters(page)
        studies = len({source.study_id for source in sources})
        numbers = sum(len(source.entries) for source in sources)
        held = f"{counted(numbers, 'number', 'numbers')} from {counted(studies, 'study', 'studies')}."
        if not sources:
            held = f"No study's name begins with {letters} yet."
        made: list[nodes.Node] = [nodes.paragraph(text=held)]
        headed = set()
        for source in sources:
            if source.study_id not in headed:  # a study's first source carries the study's anchor
                headed.add(source.study_id)
                made.append(self.target(study_anchor(source.study_id)))
            head = nodes.paragraph("", "", nodes.strong(text=source.study), nodes.Text(" "))
            head += role(self, "cite:p", source.citation_key)
            made.append(head)
            for entry in source.entries:
                made += self.entry(entry)
        return made

    def target(self, label: str) -> nodes.target:
        target = nodes.target()  # its id moves to the element below, as for a (label)= line
        target["names"].append(label)
        self.state.document.note_explicit_target(target)
        return target

    def entry(self, entry: Entry) -> list[nodes.Node]:
        facts = nodes.paragraph(
            "", "", nodes.strong(text=entry.value), nodes.Text("".join(f" · {f}" for f in entry.facts))
        )
        use = nodes.paragraph(text="not yet shown in a chapter")
        if entry.chapters:
            use = nodes.paragraph(text="shown in: ")
            for number, chapter in enumerate(entry.chapters):
                use += [nodes.Text(", ")] if number else []
                use += role(self, "doc", chapter)
        # named as readers know it; its id is only in the address (#ev-<id>), for contributors
        item = nodes.definition_list_item("", nodes.term(text=entry.measured))
        item += [nodes.definition("", part) for part in (facts, nodes.paragraph(text=entry.source), use)]
        return [self.target(anchor(entry.outcome_id)), nodes.definition_list("", item, classes=["myst"])]
