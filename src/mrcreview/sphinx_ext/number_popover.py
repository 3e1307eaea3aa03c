"""A number placed in prose ({n}) as a button that opens its details in place: what was measured, n/N,
the interval, the design and the source, with a link to its register entry.

The details are an HTML popover (the `popover` attribute, opened by the button's `popovertarget`): the
browser opens and closes it on a click, a tap, Enter or Space, and closes it on Escape or a click
elsewhere, with no script, so the page's Content-Security-Policy needs nothing new. The button's title
gives the same facts on hover. A browser without popovers still shows the title.
"""

import html

from docutils import nodes


class number_button(nodes.Inline, nodes.TextElement):  # noqa: N801 - docutils names node classes so
    """The number as shown in the sentence; opens the popover whose id is its "target"."""


class number_popover(nodes.Inline, nodes.Element):  # noqa: N801
    """The number's details, hidden until its button opens them."""


class number_fact(nodes.Inline, nodes.TextElement):  # noqa: N801
    """One line of the details."""


FACTS = (("measured", ""), ("n", "n/N "), ("interval", ""), ("design", "Design: "), ("study", "Study: "))


def hover_text(details: dict[str, str]) -> str:
    """The facts in one line, for the button's title."""
    facts = [f"{label}{details[key]}" for key, label in FACTS if details[key]]
    return " · ".join([*facts, f"found in: {details['found_in']}"])


def popover_facts(details: dict[str, str]) -> list[nodes.Node]:
    """The facts as lines of text (a contributor's text: placed as text, never read as markup)."""
    return [number_fact("", f"{label}{details[key]}") for key, label in FACTS if details[key]]


def visit_button(self, node: number_button) -> None:
    self.body.append(
        f'<button type="button" class="number-value" popovertarget="{node["target"]}"'
        f' title="{html.escape(node["title"], quote=True)}">'
    )


def depart_button(self, node: number_button) -> None:
    self.body.append("</button>")


def visit_popover(self, node: number_popover) -> None:
    self.body.append(f'<span class="number-details" id="{node["ids"][0]}" popover="auto">')


def depart_popover(self, node: number_popover) -> None:
    self.body.append("</span>")


def visit_fact(self, node: number_fact) -> None:
    self.body.append('<span class="number-fact">')


def depart_fact(self, node: number_fact) -> None:
    self.body.append("</span>")


def register(app) -> None:
    app.add_node(number_button, html=(visit_button, depart_button))
    app.add_node(number_popover, html=(visit_popover, depart_popover))
    app.add_node(number_fact, html=(visit_fact, depart_fact))
