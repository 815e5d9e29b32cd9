"""The house rules that keep a record's path readable: imports go one way."""

from __future__ import annotations

import ast
from pathlib import Path

from config.settings import REPO_ROOT

# Each package may import only the packages listed for it (and itself).
ALLOWED = {
    "config": set(),
    "store": {"config"},
    "normalize": {"config", "store"},
    "dedupe": {"config", "store"},
    "index": {"config", "store"},
    # dedupe: /why derives the guards behind a match from the two records (dedupe.explain), as the CLI does.
    "search_api": {"config", "store", "index", "dedupe"},
    "harvester": {"config", "store"},
}
OURS = set(ALLOWED)
# The CLI is the one module that knows every stage.
CLI = REPO_ROOT / "harvester" / "cli.py"


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & OURS


def test_stages_import_only_earlier_stages():
    violations = []
    for package, allowed in ALLOWED.items():
        for path in (REPO_ROOT / package).rglob("*.py"):
            if path == CLI:
                continue
            for imported in _imported_packages(path) - allowed - {package}:
                violations.append(f"{path.relative_to(REPO_ROOT)} imports {imported}")
    assert violations == []


def test_package_never_imports_tests_or_bench():
    offenders = []
    for package in ALLOWED:
        for path in (REPO_ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                module = None
                if isinstance(node, ast.ImportFrom) and node.module:
                    module = node.module
                elif isinstance(node, ast.Import):
                    module = node.names[0].name
                if module and module.split(".")[0] in {"tests", "bench"}:
                    offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []
