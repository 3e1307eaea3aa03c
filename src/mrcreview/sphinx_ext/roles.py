"""{n}`outcome-id`: a reported number, formatted as reported and linked to its register entry;
{count}`name`: a count of counts.py."""

from docutils import nodes
from sphinx import addnodes

from mrcreview.counts import COUNTS, count
from mrcreview.loading import number_text
from mrcreview.register import anchor
from mrcreview.sphinx_ext.data_used import read

NUMBERS_PLACED = "mrcreview_numbers"  # env.temp_data: the page's numbers, for its evidence summary


def std_ref(label: str, text: str) -> addnodes.pending_xref:
    """A link to a label, showing text as text (a contributor's text is never read as markup)."""
    return addnodes.pending_xref(
        "", nodes.inline(text=text), refdomain="std", reftype="ref", reftarget=label, refexplicit=True, refwarn=True
    )


def number_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """{n}`outcome-id`: the number as reported, linked to its register entry."""
    env = inliner.document.settings.env
    outcome_id = text.strip()
    try:
        shown = read(env, number_text, outcome_id)
    except KeyError:
        message = inliner.reporter.warning(
            f"{{n}}`{outcome_id[:80]}`: expected an outcome_id of data/outcomes.csv; found none "
            "(`python -m mrcreview check` suggests the closest)",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    env.temp_data.setdefault(NUMBERS_PLACED, []).append(outcome_id)
    return [std_ref(anchor(outcome_id), shown)], []


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
