"""The folders are the pipeline: ingest -> kb <- bot <- evals. This test reads every import and checks it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ALLOWED: dict[str, set[str]] = {
    "kb": {"kb"},
    "ingest": {"ingest", "kb"},
    "bot": {"bot", "kb"},
    "evals": {"evals", "bot", "kb", "ingest"},
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_run_one_way(package: str) -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(imported_packages(path) - ALLOWED[package])
        for path in (REPO / package).rglob("*.py")
    }
    offenders = {path: bad for path, bad in offenders.items() if bad}
    assert offenders == {}, f"imports against the pipeline direction: {offenders}"


def test_the_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from ingest.pipeline import ingest\nimport evals\n", encoding="utf-8")
    assert imported_packages(bad) == {"ingest", "evals"}
