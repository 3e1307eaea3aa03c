"""{n}`outcome-id`: a reported number, formatted as reported, that opens its details in place
(number_popover.py): what was measured, n/N, interval, design, source, and its register entry;
{count}`name`: a count of counts.py."""

from docutils import nodes
from docutils.parsers.rst import roles
from sphinx import addnodes

from mrcreview.counts import COUNTS, count
from mrcreview.loading import number_details
from mrcreview.register import anchor
from mrcreview.sphinx_ext.data_used import read
from mrcreview.sphinx_ext.number_popover import (
    hover_text,
    number_button,
    number_fact,
    number_popover,
    popover_facts,
)

NUMBERS_PLACED = "mrcreview_numbers"  # env.temp_data: the page's numbers, for its evidence summary


def std_ref(label: str, text: str) -> addnodes.pending_xref:
    """A link to a label, showing text as text (a contributor's text is never read as markup)."""
    return addnodes.pending_xref(
        "", nodes.inline(text=text), refdomain="std", reftype="ref", reftarget=label, refexplicit=True, refwarn=True
    )


def cited(key: str, lineno: int, inliner) -> list[nodes.Node]:
    """What {cite:p}`key` makes, as if written in the page (so the citation is noted as the page's)."""
    function, _ = roles.role("cite:p", inliner.language, lineno, inliner.reporter)
    made, _ = function("cite:p", f"{{cite:p}}`{key}`", key, lineno, inliner)
    return made


def number_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{n}`outcome-id`: the number as reported, a button that opens its details."""
    env = inliner.document.settings.env
    outcome_id = text.strip()
    try:
        details = read(env, number_details, outcome_id)
    except KeyError:
        message = inliner.reporter.warning(
            f"{{n}}`{outcome_id[:80]}`: expected an outcome_id of data/outcomes.csv; found none "
            "(`python -m mrcreview check` suggests the closest)",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    env.temp_data.setdefault(NUMBERS_PLACED, []).append(outcome_id)
    popover_id = f"number-{env.new_serialno('mrcreview-number')}"
    button = number_button("", details["value"], target=popover_id, title=hover_text(details))
    source = number_fact("", "Source: ")
    source += cited(details["citation_key"], lineno, inliner)
    source += nodes.Text(f", found in: {details['found_in']}")
    entry = number_fact("", "", std_ref(anchor(outcome_id), "Its entry in the evidence register"))
    popover = number_popover("", *popover_facts(details), source, entry, ids=[popover_id])
    return [nodes.inline("", "", button, popover, classes=["number"])], []


def count_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{count}`name`: a count the prose states, computed from data (counts.py)."""
    env = inliner.document.settings.env
    key = text.strip()
    if key not in COUNTS:
        message = inliner.reporter.warning(f"{{count}}`{key[:80]}`: expected one of {', '.join(COUNTS)}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.Text(str(read(env, count, key)))], []


def numbers_placed(env) -> list[str]:
    """The numbers the page being read placed with {n}, each once, in order of first use."""
    return list(dict.fromkeys(env.temp_data.get(NUMBERS_PLACED, [])))
