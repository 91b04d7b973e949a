"""The `deelwijzer` command is the product's: it starts without the eval package's libraries, and evals adds
`eval` through the `deelwijzer.commands` entry point."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

from typer.testing import CliRunner

from deelwijzer.main import build_app
from deelwijzer.plugins import GROUP

# Runs the root with the eval extra's libraries (or the whole evals package) made unimportable.
WITHOUT = """
import sys
from importlib.abc import MetaPathFinder

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, Missing())
sys.argv = ["deelwijzer", *{args!r}]
from deelwijzer.main import main
try:
    main()
finally:
    print("LOADED", sorted(m for m in sys.modules if m.split(".")[0] in {{"evals", "matplotlib"}}))
"""


def run_without(blocked: set[str], *args: str) -> subprocess.CompletedProcess[str]:
    code = WITHOUT.format(blocked=blocked, args=list(args))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env={"COLUMNS": "200"}
    )


def test_help_works_without_the_eval_extra() -> None:
    result = run_without({"matplotlib", "langchain_text_splitters"}, "--help")
    assert result.returncode == 0, result.stderr
    for command in ("ingest", "ask", "search", "serve", "kb", "rules", "convenant"):
        assert f" {command} " in result.stdout
    assert "eval       (not installed: matplotlib)" in result.stdout


def test_the_eval_command_names_the_extra_when_it_is_missing() -> None:
    result = run_without({"matplotlib", "langchain_text_splitters"}, "eval")
    assert result.returncode == 2
    assert "pip install 'deelwijzer[eval]'" in result.stderr


def test_help_works_without_the_evals_package_at_all() -> None:
    result = run_without({"evals"}, "--help")
    assert result.returncode == 0, result.stderr
    assert "LOADED []" in result.stdout
    assert " ask " in result.stdout


def test_evals_adds_eval_through_the_entry_point_group() -> None:
    declared = {point.name: point.value for point in entry_points(group=GROUP)}
    assert declared.get("eval") == "evals.eval_cli:app"
    result = CliRunner().invoke(build_app(), ["eval", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for command in ("cases", "retrieval", "report", "covenants"):
        assert command in result.output
