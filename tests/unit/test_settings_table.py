"""Every environment variable and git config key that src/ reads is in the README's table of
settings, and every name in that table is read somewhere (found by walking the code's AST)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from azrepos.config.settings import SETTINGS

REPO = Path(__file__).resolve().parents[2]
SOURCES = sorted((REPO / "src" / "azrepos").rglob("*.py"))
TABLE_START = "<!-- settings-table -->"
TABLE_END = "<!-- /settings-table -->"


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "literal" assignments, so os.environ.get(NAME) is seen too."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            found.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return found


def _literal(node: ast.AST | None, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def read_names() -> tuple[set[str], set[str]]:
    """(environment variables, git config keys) that the code reads."""
    env: set[str] = set()
    keys: set[str] = set()
    for setting in SETTINGS.values():
        env.update(setting.env)
        keys.add(setting.git_key)
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
                first = _literal(node.args[0] if node.args else None, constants)
                if first and (name == "getenv" or (name in ("get", "pop") and "environ" in owner)):
                    env.add(first)
                if first and name.endswith("config_get"):
                    keys.add(first)
            elif isinstance(node, ast.Subscript) and "environ" in ast.unparse(node.value):
                env.update(filter(None, [_literal(node.slice, constants)]))
            elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn) \
                    and "environ" in ast.unparse(node.comparators[0]):
                env.update(filter(None, [_literal(node.left, constants)]))
    return env, keys


def documented() -> set[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text[text.index(TABLE_START):text.index(TABLE_END)]
    names: set[str] = set()
    for row in table.splitlines():
        cells = row.split("|")
        if len(cells) > 3:  # | environment | git config | default | what it sets |
            names.update(re.findall(r"`([A-Za-z_][\w.]*)`", cells[1] + cells[2]))
    return names


def test_every_variable_and_git_key_read_is_in_the_readme_table() -> None:
    env, keys = read_names()
    assert len(env) > 10 and "AZREPOS_CA_BUNDLE" in env and "http.sslCAInfo" in keys  # the walk works
    missing = sorted((env | keys) - documented())
    assert not missing, f"read in src/ but not in the README's settings table: {missing}"


def test_the_readme_table_names_nothing_that_is_not_read() -> None:
    env, keys = read_names()
    stale = sorted(documented() - env - keys)
    assert not stale, f"in the README's settings table but read nowhere in src/: {stale}"
