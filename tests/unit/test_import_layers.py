"""The import-layer contract: faces -> services -> primitives, never back up, no cycles.

Read from the source with ``ast`` (nothing is imported), so a lazy import inside a function
counts as much as one at the top. docs/architecture.md describes the layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "src" / "azrepos"

FACE, SERVICE, PRIMITIVE = 3, 2, 1
LAYERS: dict[str, int] = {
    "azrepos.cli": FACE, "azrepos.__main__": FACE, "azrepos.secretscan.hooks": FACE,
    "azrepos.doctor": SERVICE, "azrepos.sshkeys": SERVICE, "azrepos.auth": SERVICE,
    "azrepos.config": SERVICE, "azrepos.machine": SERVICE, "azrepos.gitconfig": SERVICE,
    "azrepos.rendering": PRIMITIVE, "azrepos.secretscan": SERVICE, "azrepos.git_helper": SERVICE,
    "azrepos.connection": SERVICE, "azrepos.onboarding": SERVICE, "azrepos.status": SERVICE,
    "azrepos.pull": SERVICE,
    "azrepos.rest": PRIMITIVE, "azrepos.secretstore": PRIMITIVE, "azrepos.fileio": PRIMITIVE,
    "azrepos.urls": PRIMITIVE, "azrepos.errors": PRIMITIVE, "azrepos.redaction": PRIMITIVE,
    "azrepos.state_files": PRIMITIVE, "azrepos.git_command": PRIMITIVE, "azrepos": PRIMITIVE,
    "azrepos.hosts": PRIMITIVE, "azrepos.network": PRIMITIVE,
}
# The offline stand-in is its own distribution and judge: the core never imports it (the
# `azrepos sandbox` command hands over to its process), and it imports nothing from the core.
SANDBOX = ("azrepos_sandbox",)
SANDBOX_SRC = ROOT / "sandbox" / "src"
MAY_IMPORT_SANDBOX: set[str] = set()

# Known exceptions, each to be removed by the change that fixes it.
# Cycles tolerated for now, each with the issue that removes it (git_helper.fast <-> helper went
# with issue 8's git_helper/answers.py).
KNOWN_CYCLES: set[frozenset[str]] = set()


def module_name(path: Path, src: Path = CORE.parent) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def core_modules() -> dict[str, Path]:
    return {module_name(p): p for p in CORE.rglob("*.py")}


def imported(name: str, path: Path) -> Iterator[str]:
    """Absolute names of the azrepos modules (or packages) one file imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target
            # `from . import x` may name a submodule.
            yield from (f"{target}.{alias.name}" for alias in node.names)


def layer_of(name: str) -> int | None:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return LAYERS[prefix]
    return None


def edges() -> dict[str, set[str]]:
    modules = core_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        graph[name] = {t for t in imported(name, path)
                       if t in modules or t.startswith(SANDBOX) or t.startswith("ansible")}
    return graph


def test_every_core_module_has_a_layer() -> None:
    unplaced = sorted(name for name in core_modules() if layer_of(name) is None)
    assert not unplaced, f"add these to LAYERS (and docs/architecture.md): {unplaced}"


def test_no_import_runs_back_up() -> None:
    upward = sorted(
        f"{source} ({layer_of(source)}) imports {target} ({layer_of(target)})"
        for source, targets in edges().items()
        for target in targets
        if target in core_modules() and (layer_of(target) or 0) > (layer_of(source) or 0)
    )
    assert not upward, "\n".join(upward)


def test_the_core_does_not_import_the_sandbox_or_ansible() -> None:
    reached = sorted(
        f"{source} imports {target}"
        for source, targets in edges().items()
        for target in targets
        if (target.startswith(SANDBOX) and source not in MAY_IMPORT_SANDBOX)
        or target.startswith("ansible")
    )
    assert not reached, "\n".join(reached)


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_beyond_the_known_ones() -> None:
    # A package's __init__ importing its own submodules is not a cycle worth naming.
    graph = {src: {t for t in targets if not src.startswith(t + ".")}
             for src, targets in edges().items()}
    unexpected = [sorted(c) for c in cycles(graph) if c not in KNOWN_CYCLES]
    assert not unexpected, unexpected


@pytest.mark.parametrize("known", sorted(KNOWN_CYCLES, key=sorted))
def test_known_cycles_are_still_there(known: frozenset[str]) -> None:
    """Once a known cycle is gone, this fails so its exception is deleted, not forgotten."""
    graph = edges()
    if not all(name in graph for name in known):
        pytest.fail(f"{sorted(known)} no longer exists: delete it from KNOWN_CYCLES")
    assert known in cycles(graph), f"{sorted(known)} is fixed: delete it from KNOWN_CYCLES"


def test_the_contract_sees_an_upward_import(tmp_path: Path) -> None:
    """The walk resolves relative imports, so the contract can fail."""
    source = tmp_path / "azrepos" / "rest" / "client.py"
    source.parent.mkdir(parents=True)
    source.write_text("from ..sshkeys.public_key import same_key\n"
                      "def f():\n    from ..cli.context import client_for\n")
    targets = set(imported("azrepos.rest.client", source))
    assert "azrepos.sshkeys.public_key" in targets and "azrepos.cli.context" in targets
    assert layer_of("azrepos.cli.context") > layer_of("azrepos.rest.client") > 0


def test_the_sandbox_imports_nothing_from_azrepos() -> None:
    reached = sorted(
        f"{name} imports {target}"
        for path in (SANDBOX_SRC / "azrepos_sandbox").rglob("*.py")
        for name in [module_name(path, SANDBOX_SRC)]
        for target in imported(name, path)
        if target == "azrepos" or target.startswith("azrepos.")
    )
    assert not reached, "\n".join(reached)


def test_every_sandbox_module_loads_with_azrepos_absent() -> None:
    """The same, as Python sees it: with ``azrepos`` made unimportable, all of it loads."""
    import subprocess
    import sys

    names = sorted(module_name(p, SANDBOX_SRC) for p in (SANDBOX_SRC / "azrepos_sandbox").rglob("*.py"))
    code = ("import importlib, sys\nsys.modules['azrepos'] = None\n"
            f"for name in {names!r}:\n    importlib.import_module(name)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
