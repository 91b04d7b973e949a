"""The folders are the pipeline: ingest -> kb <- bot <- evals, with the product's front door (deelwijzer/)
mounting kb, ingest and bot. No product module imports evals, not even through a string such as
`python -m evals.cli`: evals plugs into the root through an entry point. This test reads every import."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ALLOWED: dict[str, set[str]] = {
    "deelwijzer": {"deelwijzer", "bot", "kb", "ingest"},
    "kb": {"kb"},
    "ingest": {"ingest", "kb"},
    "bot": {"bot", "kb"},
    "evals": {"evals", "bot", "kb", "ingest"},
}
PRODUCT = ("deelwijzer", "bot", "kb", "ingest")
EVALS_MODULE = re.compile(r"^evals(\.\w+)*(:\w+)?$")


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


def evals_module_strings(path: Path) -> set[str]:
    """String literals that name an evals module (`"evals.cli"`, `"evals.eval_cli:app"`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and EVALS_MODULE.match(node.value)
    }


@pytest.mark.parametrize("package", PRODUCT)
def test_the_product_never_reaches_for_evals(package: str) -> None:
    """Neither by import nor by running `python -m evals…`: the product runs without the eval package."""
    offenders = {
        str(path.relative_to(REPO)): sorted(imported_packages(path) & {"evals"} | evals_module_strings(path))
        for path in (REPO / package).rglob("*.py")
    }
    offenders = {path: bad for path, bad in offenders.items() if bad}
    assert offenders == {}, f"product modules that reach for evals: {offenders}"


def test_the_string_check_sees_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('COMMAND = ["python", "-m", "evals.cli", "ingest"]\nDOC = "see evals/FORMAT.md"\n')
    assert evals_module_strings(bad) == {"evals.cli"}
