"""What a chapter's code reads, found from its source, so the build knows when to run it again.

Kept apart from loading.py so that the check, which looks for narrow reads, need not import pandas.
"""

import ast
import re

from mrcreview.schema import DESCRIPTOR

# Which files each function that chapters call reads (globs, relative to the project
# root): a chapter that calls one is rebuilt whenever one of them changes (sphinx_ext.py).
FILES_READ_BY = {
    "load_studies": ("data/studies.csv",),
    "load_outcomes": ("data/outcomes.csv", "data/studies.csv"),
    "load_clinical_pathways": ("data/clinical_pathways.csv",),
    "load_review_references": ("data/review_references.csv",),
    "load_forest_plots": ("data/forest_plots.csv", "data/forest_plot_rows.csv"),
    "evidence_as_of": ("data/studies.csv",),
    "read_descriptor": (),
    "numbers_used": ("book/*.md", "data/outcomes.csv", "data/forest_plot_rows.csv"),
    "whats_new_markdown": ("data/*.csv", "refs.bib", "book/*.md"),
    "how_to_cite_markdown": ("CITATION.cff",),
}

# Narrow reads: `load_outcomes(chapter="name")` and `load_studies(chapter="name")` return
# only the rows that chapter names by id, `load_outcomes(plotted=True)` only the rows in a
# forest plot, `count_rows("table")` only a number. A chapter depends on what its narrow
# reads return, not on whole files: the build stamps their results (rows_read) and runs the
# chapter again only when those change, so a one-row edit re-runs only the pages that show it.
NARROW_READ = re.compile(r"\b(load_outcomes|load_studies|count_rows)\((chapter=\"[\w-]+\"|plotted=True|\"\w+\")\)")


def narrow_reads(source: str) -> list[tuple[str, str, list, dict]]:
    """Each distinct narrow read in a source: function name, argument as written, args, keyword args."""
    reads = []
    for function, argument in sorted(set(NARROW_READ.findall(source))):
        call = ast.parse(f"f({argument})", mode="eval").body
        args = [ast.literal_eval(a) for a in call.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        reads.append((function, argument, args, kwargs))
    return reads


def files_read(source: str) -> set[str]:
    """The files (globs) a chapter's code reads whole; the schema whenever it reads data."""
    whole = NARROW_READ.sub("", source)
    called = [loader for loader in FILES_READ_BY if re.search(rf"\b{loader}\(", whole)]
    files = {pattern for loader in called for pattern in FILES_READ_BY[loader]}
    return files | {f"data/{DESCRIPTOR}"} if called or NARROW_READ.search(source) else set()


# The build can follow a chapter's reads only when it sees them: each one a direct call
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
                called = attribute
                if attribute.attr == "paths":
                    called = parents.get(attribute)
                    if not (isinstance(called, ast.Attribute) and called.attr == "project_root"):
                        report(node, "mr.paths.project_root()", called or attribute)
                        continue
                elif attribute.attr not in public:
                    report(node, "a function that mrcreview offers chapters (mrcreview.__all__)", attribute)
                    continue
                call = parents.get(called)
                if not (isinstance(call, ast.Call) and call.func is called):
                    report(node, DIRECT_CALL, call or called)
    return sorted(found)


GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::\w+)?`")
GLUE_DIRECTIVE = re.compile(r"^(?:`{3,}|:{3,})\{glue(?::\w+)?\}[ \t]+(\S+)", re.M)


def glue_placements(source: str) -> list[tuple[int, int, str]]:
    """(line, column, key) of every glued output a chapter's text places."""
    found = []
    for pattern in (GLUE_ROLE, GLUE_DIRECTIVE):
        for match in pattern.finditer(source):
            line = source.count("\n", 0, match.start(1)) + 1
            column = match.start(1) - source.rfind("\n", 0, match.start(1))
            found.append((line, column, match.group(1)))
    return sorted(found)


def glue_keys_defined(source: str, outcome_ids: set[str], plot_ids: set[str]) -> tuple[set[str], list[re.Pattern]]:
    """The keys a chapter's code glues: literal keys of mr.glue_*(...) calls, patterns for keys built
    with f-strings, and the keys the helpers derive (a figure's table, every number, every forest plot)."""
    keys, patterns = set(), []
    for _, code in code_cells(source):
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue  # reported by hidden_reads
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            if not name.startswith("glue_"):
                continue
            if name == "glue_numbers":
                keys |= outcome_ids
            elif name == "glue_evidence_summary":
                keys.add("evidence-summary")
            elif name == "glue_forest":
                keys |= {f"{kind}-forest-{plot}" for kind in ("fig", "tbl", "pool") for plot in plot_ids}
            elif node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                keys.add(node.args[0].value)
                if name == "glue_figure":
                    keys.add(node.args[0].value.replace("fig-", "tbl-", 1))
            elif node.args and isinstance(node.args[0], ast.JoinedStr):
                parts = [re.escape(v.value) if isinstance(v, ast.Constant) else ".+" for v in node.args[0].values]
                patterns.append(re.compile("".join(parts)))
    return keys, patterns
