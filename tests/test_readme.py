"""The README's command examples are run for real against the whole-corpus knowledge base."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kb.settings import Settings

README = Path(__file__).resolve().parent.parent / "README.md"
#: examples that only read the knowledge base; ingest, serve and eval have their own tests
RUNNABLE = ("deelwijzer kb ", 'deelwijzer ask "', "deelwijzer search ")


def readme_examples() -> list[str]:
    block = re.search(r"## Commands\n\n```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block, "README lost its Commands block"
    commands = [line.split("  #")[0].strip() for line in block.group(1).splitlines()]
    return [command for command in commands if command.startswith(RUNNABLE)]


def test_the_readme_has_examples_to_run() -> None:
    assert len(readme_examples()) >= 5


@pytest.mark.slow
@pytest.mark.parametrize("command", readme_examples())
def test_readme_example_runs(command: str, full_kb_settings: Settings) -> None:
    env = dict(
        os.environ,
        DEELWIJZER_DATA_DIR=str(full_kb_settings.data_dir),
        DEELWIJZER_MODELS_FOLDER=str(full_kb_settings.models_dir),
        DEELWIJZER_CACHE_FOLDER=str(full_kb_settings.cache_dir),
        HF_HUB_OFFLINE="1",
        COLUMNS="200",
    )
    args = shlex.split(command)[1:]
    result = subprocess.run(
        [sys.executable, "-m", "deelwijzer", *args], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    expected = {
        "show": "uitoefening van het openbaar gezag",
        "ask": "Oordeel",
        "search": "Wpg art. 20",
        "stats": "avg",
        "sources": "Besluit politiegegevens",
    }
    word = next(w for w in expected if w in args)
    assert expected[word] in result.stdout
