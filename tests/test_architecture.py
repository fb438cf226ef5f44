"""What docs/architecture.md promises about the code's shape: each app says what it owns; small functions."""

import ast
from pathlib import Path

APPS_DIR = Path(__file__).resolve().parents[1] / "apps"
BLOCKS = (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.AsyncFor, ast.AsyncWith, ast.Match)
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
MAX_NESTING = 3


def nesting(node: ast.AST, depth: int = 0) -> int:
    """Return how many blocks deep the body of `node` goes (an `elif` is not a level; inner functions apart)."""
    deepest = depth
    for field, value in ast.iter_fields(node):
        children = value if isinstance(value, list) else [value]
        for child in children:
            if not isinstance(child, ast.AST) or isinstance(child, SCOPES):
                continue
            is_elif = isinstance(node, ast.If) and field == "orelse" and isinstance(child, ast.If) and len(children) == 1
            deeper = depth + 1 if isinstance(child, BLOCKS) and not is_elif else depth
            deepest = max(deepest, nesting(child, deeper))
    return deepest


def too_deep(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and nesting(node) > MAX_NESTING:
                found.append(f"{path.relative_to(APPS_DIR)}:{node.lineno} {node.name} ({nesting(node)} levels)")
    return found


def test_the_nesting_measure_counts_blocks_not_elifs() -> None:
    flat = ast.parse("def f(x):\n if x:\n  pass\n elif x > 1:\n  pass\n elif x > 2:\n  pass\n").body[0]
    deep = ast.parse("def f(x):\n for a in x:\n  if a:\n   with a:\n    try:\n     pass\n    except E:\n     pass\n").body[0]
    assert nesting(flat) == 1
    assert nesting(deep) == 4


def test_no_function_of_the_import_app_nests_more_than_three_levels() -> None:
    assert too_deep(sorted((APPS_DIR / "imports").glob("*.py"))) == []


def test_every_app_says_in_one_line_what_it_owns() -> None:
    missing = []
    for init in sorted(APPS_DIR.glob("*/__init__.py")):
        docstring = ast.get_docstring(ast.parse(init.read_text()))
        if not docstring or "\n" in docstring.strip():
            missing.append(init.parent.name)
    assert missing == []
