"""What a chapter's text holds, read statically (by the check, in well under a second): its code
cells and the calls they make, the roles and labels its prose uses, the outputs it places.

Kept apart from loading.py so that the check need not import pandas.
"""

import ast
import functools
import re

# The build records a chapter's data only through the package's recorded functions: each one a direct call
# `mr.<function>(...)` of the one import `import mrcreview as mr`. Anything that reaches
# data another way (getattr, an alias, another import, open()) could leave a page stale.
CODE_CELL = re.compile(r"^(`{3,}|~{3,})\{code-cell\}[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)
OPTION_LINE = re.compile(r"[ \t]*:[\w-]+:.*")
FORBIDDEN_NAMES = {
    "__builtins__",
    "__import__",
    "breakpoint",
    "compile",
    "delattr",
    "eval",
    "exec",
    "getattr",
    "globals",
    "importlib",
    "locals",
    "open",
    "setattr",
    "vars",
}
DIRECT_CALL = "a direct call mr.<function>(...) after `import mrcreview as mr`"


def code_cells(source: str) -> list[tuple[int, str]]:
    """Each code cell of a MyST notebook: the line its code starts on, and the code, with the
    cell's option lines (`:tags: ...`) blanked so that line numbers stay right."""
    cells = []
    for match in CODE_CELL.finditer(source):
        start = source.count("\n", 0, match.start(2)) + 1
        lines = match.group(2).splitlines()
        for i, line in enumerate(lines):
            if not OPTION_LINE.fullmatch(line):
                break
            lines[i] = ""
        cells.append((start, "\n".join(lines)))
    return cells


def hidden_reads(source: str) -> list[tuple[int, int, str, str]]:
    """(line, column, expected, found) for each place a chapter's code could read data unseen."""
    import mrcreview

    public = set(mrcreview.__all__)
    found = []
    for start, code in code_cells(source):
        try:
            tree = ast.parse(code)
        except SyntaxError as err:
            found.append((start + (err.lineno or 1) - 1, err.offset or 1, "Python code that parses", err.msg))
            continue
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

        def report(node, expected, shown, start=start):
            found.append((start + node.lineno - 1, node.col_offset + 1, expected, ast.unparse(shown)[:80]))

        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                if not (
                    isinstance(node, ast.Import) and [(a.name, a.asname) for a in node.names] == [("mrcreview", "mr")]
                ):
                    report(node, "no import but `import mrcreview as mr`", node)
            elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
                report(node, "no getattr, eval, open or other indirect access", node)
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_"):
                report(node, "no attribute that starts with _", node)
            elif isinstance(node, ast.Name) and node.id == "mr":
                attribute = parents.get(node)
                if not isinstance(attribute, ast.Attribute) or not isinstance(node.ctx, ast.Load):
                    report(node, DIRECT_CALL, attribute or node)
                    continue
                if attribute.attr not in public:
                    report(node, "a function that mrcreview offers chapters (mrcreview.__all__)", attribute)
                    continue
                call = parents.get(attribute)
                if not (isinstance(call, ast.Call) and call.func is attribute):
                    report(node, DIRECT_CALL, call or attribute)
    return sorted(found)


GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::\w+)?`")
GLUE_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{glue(?::\w+)?\}[ \t]+(\S+)", re.M)
FIGURE_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{evidence-figure\}[ \t]+(\S+)", re.M)


def glue_placements(source: str) -> list[tuple[int, int, str]]:
    """(line, column, key) of every glued output a chapter's text places (an evidence-figure block
    places its chart, fig-<id>)."""
    found = []
    for pattern, prefix in ((GLUE_ROLE, ""), (GLUE_DIRECTIVE, ""), (FIGURE_DIRECTIVE, "fig-")):
        for match in pattern.finditer(source):
            line = source.count("\n", 0, match.start(1)) + 1
            column = match.start(1) - source.rfind("\n", 0, match.start(1))
            found.append((line, column, prefix + match.group(1)))
    return sorted(found)


# Parsed once per text: every build asks which rows each chapter names (numbers_used) several times.
@functools.lru_cache(maxsize=256)
def method_calls(source: str) -> tuple[tuple[int, ast.Call], ...]:
    """(line the cell starts on, call node) for each call like mr.<name>(...) in a chapter's code."""
    calls = []
    for start, code in code_cells(source):
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue  # reported by hidden_reads
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                calls.append((start, node))
    return tuple(calls)


def glue_keys_defined(source: str) -> tuple[set[str], list[re.Pattern]]:
    """The keys a chapter's code glues: literal keys of mr.glue_*(...) calls, patterns for keys built
    with f-strings, and for mr.glue_figure("<id>") its chart, table and pooling note."""
    keys, patterns = set(), []
    for _, node in method_calls(source):
        name = node.func.attr
        if not name.startswith("glue_"):
            continue
        if name == "glue_figure" and node.args and isinstance(node.args[0], ast.Constant):
            keys |= {f"{kind}-{node.args[0].value}" for kind in ("fig", "tbl", "pool")}
        elif node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            keys.add(node.args[0].value)
        elif node.args and isinstance(node.args[0], ast.JoinedStr):
            parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in node.args[0].values]
            patterns.append(re.compile("".join(parts)))
    return keys, patterns


def role_uses(source: str, *names: str) -> list[tuple[int, int, str, str]]:
    """(line, column, role, content) of every use of these roles in a chapter's prose; column is
    where the content starts, so a message points at the id itself."""
    pattern = re.compile(r"\{(" + "|".join(re.escape(n) for n in names) + r")\}`([^`]*)`")
    prose = CODE_CELL.sub(lambda cell: "\n" * cell.group(0).count("\n"), source)
    found = []
    for match in pattern.finditer(prose):
        line = prose.count("\n", 0, match.start(2)) + 1
        column = match.start(2) - prose.rfind("\n", 0, match.start(2))
        found.append((line, column, match.group(1), match.group(2)))
    return found


def reference_target(content: str) -> str:
    """The label of {ref}/{numref} content: `label` or `title <label>`."""
    explicit = re.fullmatch(r"(?s).*<([^<>]+)>\s*", content)
    return (explicit.group(1) if explicit else content).strip()


LABEL_LINE = re.compile(r"^\(([\w-]+)\)=[ \t]*$|^[ \t]*:name:[ \t]+(\S+)", re.M)


def labels_defined(source: str, glued: set[str]) -> set[str]:
    """The labels a chapter defines: (label)= targets, :name: options, the figures its evidence-figure
    blocks place (fig-<id> and tbl-<id>), and the tables its code glues."""
    labels = {a or b for a, b in LABEL_LINE.findall(source)}
    figures = FIGURE_DIRECTIVE.findall(source)
    return (
        labels
        | {f"{kind}-{f}" for f in figures for kind in ("fig", "tbl")}
        | {k for k in glued if k.startswith("tbl-")}
    )


def literal_arguments(source: str, *functions: str) -> list[tuple[int, int, str, str]]:
    """(line, column, function, value) of each string literal passed to mr.<function>(...)."""
    return [
        (start + arg.lineno - 1, arg.col_offset + 1, node.func.attr, arg.value)
        for start, node in method_calls(source)
        if node.func.attr in functions
        for arg in node.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]
