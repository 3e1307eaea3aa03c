"""The PRISMA 2020 flow of the update searches, drawn as an SVG diagram from the counts.

Only numbers and fixed words go into the drawing; reasons for exclusion, which are contributors'
text, stay in the table beside it. The diagram scales to the text column (its viewBox is as wide
as a phone's column, so its words stay legible there).
"""

WIDTH, BOX, GAP, LINE = 400, 180, 40, 16

ARROWHEAD = (
    '<marker id="prisma-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
    'orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="currentColor"/></marker>'
)


def _box(x: int, y: int, lines: list[str]) -> str:
    height = LINE * len(lines) + 12
    text = "".join(
        f'<text x="{x + BOX // 2}" y="{y + 6 + LINE * (i + 1) - 3}" text-anchor="middle">{line}</text>'
        for i, line in enumerate(lines)
    )
    return f'<rect x="{x}" y="{y}" width="{BOX}" height="{height}" rx="4" fill="none" stroke="currentColor"/>{text}'


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="currentColor" marker-end="url(#prisma-arrow)"/>'


def prisma_flow_svg(counts: dict[str, int], run: bool = True) -> str:
    """Records found, not screened, logged, awaiting a decision, screened, excluded and included; before
    the update search has run (run False), its first box says so rather than showing a count of zero.
    Records from other sources, added by hand, have a box of their own that joins the flow where records
    are logged for screening (PRISMA 2020's "other methods")."""
    n = {
        stage: int(counts[stage]) for stage in ("identified", "removed", "screened", "awaiting", "excluded", "included")
    }
    other = int(counts.get("other", 0))
    logged = n["screened"] + n["awaiting"]
    left, right = 10, WIDTH - BOX - 10
    from_other_sources = [([], ["Records from other", "sources, added by hand", f"(n = {other})"])] if other else []
    stages = [
        (
            ["Records found by the", "update searches", f"(n = {n['identified']})" if run else "(not yet run)"],
            ["Not screened: already", "cited or found before", f"(n = {n['removed']})"],
        ),
        *from_other_sources,
        (["Records logged for", "screening", f"(n = {logged})"], ["Awaiting a decision", f"(n = {n['awaiting']})"]),
        (
            ["Records screened", f"(n = {n['screened']})"],
            ["Records excluded (reasons", "in the table below)", f"(n = {n['excluded']})"],
        ),
        (["Records included", f"(n = {n['included']})"], []),
    ]
    y, parts = 10, []
    for index, (main, side) in enumerate(stages):
        height = LINE * len(main or side) + 12
        if not main:  # a source beside the flow: its arrow joins the flow's line, passing by
            parts.append(_box(right, y, side))
            parts.append(_arrow(right, y + height // 2, left + BOX // 2, y + height // 2))
            y += height + GAP
            continue
        parts.append(_box(left, y, main))
        if side:
            parts.append(_box(right, y, side))
            parts.append(_arrow(left + BOX, y + height // 2, right, y + height // 2))
        following = y + LINE * max(len(main), len(side)) + 12 + GAP
        if index < len(stages) - 1:
            below = following + (LINE * 3 + 12 + GAP if index == 0 and other else 0)  # past the other sources' row
            parts.append(_arrow(left + BOX // 2, y + height, left + BOX // 2, below))
        y = following
    height = y - GAP + 10
    found = f"{n['identified']} records found by the update searches; {n['removed']} not screened; " if run else ""
    found += f"{other} records from other sources, added by hand; " if other else ""
    summary = (
        "The update searches have not run yet; no record has been found or screened."
        if not run and not other
        else ("" if run else "The update searches have not run yet. ")
        + f"{found}{logged} logged for screening, of which {n['awaiting']} await a decision and "
        f"{n['screened']} were screened; {n['excluded']} excluded and {n['included']} included."
    )
    return (
        f'<svg class="prisma-flow" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="prisma-title '
        f'prisma-desc" xmlns="http://www.w3.org/2000/svg"><title id="prisma-title">PRISMA 2020 flow of the update '
        f'searches</title><desc id="prisma-desc">{summary}</desc><defs>{ARROWHEAD}</defs>'
        f'<g font-family="sans-serif" font-size="13" fill="currentColor">{"".join(parts)}</g></svg>'
    )
