"""Case files: the real gold set loads; bad files fail with messages naming file, case and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.case_files import CaseFileError, load_case_file, load_cases

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "evals" / "cases"

GOOD = """\
- id: ok-01
  question: "Mag ik de gegevens delen?"
  verdict: [mag_mits]
  must_cite: ["AVG art. 6 lid 1 sub e"]
"""


def write(tmp_path: Path, text: str, name: str = "cases.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path) -> str:
    with pytest.raises(CaseFileError) as caught:
        load_cases(path)
    return str(caught.value)


def test_the_gold_set_loads_with_unique_ids_and_history_turns() -> None:
    cases = load_cases(GOLD)
    assert len(cases) == 181
    assert len({case.id for case in cases}) == 181
    assert sum(bool(case.history) for case in cases) == 11
    by_id = {case.id: case for case in cases}
    follow_up = by_id["vv-04"]
    assert follow_up.verdict == ["mag", "mag_mits"]
    assert follow_up.must_cite == ["AVG art. 9 lid 2 sub a"]
    assert [turn.answer_verdict for turn in follow_up.turns()] == ["mag_niet"]
    assert follow_up.theme == "vervolgvragen"
    assert by_id["inj-07"].must_not_cite == ["UAVG art. 99"]
    assert by_id["inj-03"].expects_abstention


def test_an_ungraded_case_and_a_single_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + '- id: ok-02\n  question: "Welk artikel?"\n  verdict: []\n')
    cases = load_case_file(path)
    assert [case.id for case in cases] == ["ok-01", "ok-02"]
    assert cases[0].graded and not cases[1].graded
    assert cases[1].must_cite == [] and cases[1].file == str(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '- id: x-01\n  question: "Mag ik?"\n  verdict: [misschien]\n',
            ["case 'x-01'", "'verdict'", "'misschien'"],
        ),
        ('- id: x-02\n  question: "Mag ik?"\n', ["case 'x-02'", "'verdict' is missing", "use []"]),
        (
            '- id: x-03\n  question: "Mag ik?"\n  verdict: []\n  must_cite: ["artikel zes"]\n',
            ["case 'x-03'", "'must_cite'", "'artikel zes' is not a citation key"],
        ),
        ('- id: x-04\n  question: ""\n  verdict: []\n', ["case 'x-04'", "'question'", "non-empty"]),
        ('- id: x-05\n  question: "Mag ik?"\n  verdict: []\n  mustcite: []\n', ["case 'x-05'", "'mustcite'"]),
        ('- id: x-06\n  question: "Mag ik?"\n  verdict: mag\n', ["case 'x-06'", "'verdict' must be a list"]),
        (
            '- id: x-07\n  question: "En nu?"\n  verdict: []\n  history:\n    - {question: "Mag ik?", '
            'answer_verdict: "ja"}\n',
            ["case 'x-07'", "'history' turn 1", "'ja' is not a verdict"],
        ),
        ('- question: "Mag ik?"\n  verdict: []\n', ["case #1", "'id' is missing"]),
        ("id: x-09\nquestion: Mag ik?\n", ["must be a YAML list", "got dict"]),
        ('- id: x-10\n  question: "Mag ik?\n  verdict: []\n', ["not valid YAML"]),
    ],
)
def test_a_bad_case_names_file_case_and_field(tmp_path: Path, text: str, expected: list[str]) -> None:
    path = write(tmp_path, text)
    message = error_for(path)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_ids_must_be_unique_across_files(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    second = write(tmp_path, GOOD, "b.yaml")
    message = error_for(tmp_path)
    assert f"{second}: case 'ok-01'" in message
    assert "already used in" in message and "a.yaml" in message


def test_a_missing_path_and_an_empty_folder(tmp_path: Path) -> None:
    assert "no such file or folder" in error_for(tmp_path / "nope.yaml")
    assert "no *.yaml case files" in error_for(tmp_path)
