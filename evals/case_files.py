"""Gold cases: load and validate the case YAML of /work/shared/evals/FORMAT.md.

    cases = load_cases(Path("evals/cases"))          # a file or a folder of *.yaml, ids unique across files

Every problem raises CaseFileError naming the file, the case id (or its position) and the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, Field
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.answer import Turn, Verdict
from kb.citations import parse_key
from kb.errors import CitationKeyError, DeelwijzerError

VERDICTS: tuple[str, ...] = get_args(Verdict)
#: `buiten_bereik` and `hangt_af` are the answers that abstain from a yes/no.
ABSTAINING = frozenset({"buiten_bereik", "hangt_af"})
_KEY_FIELDS = ("must_cite", "cite_any", "must_not_cite")
#: `facts` (what a careful reader understands from the question) and `note` (the provision that settles it)
#: document a case for people and for the understanding measurement (evals/fact_reading.py grades `facts`).
_FIELDS = {"id", "question", "verdict", "history", "facts", "note", *_KEY_FIELDS}
_TURN_FIELDS = {"question", "answer_verdict"}


class CaseFileError(DeelwijzerError, ValueError):
    """A case file that does not follow FORMAT.md; the message names file, case and field."""


class HistoryTurn(BaseModel):
    question: str
    answer_verdict: str = ""

    def as_turn(self) -> Turn:
        return Turn(question=self.question, answer_verdict=self.answer_verdict)


class Case(BaseModel):
    """One gold case. `verdict` empty = the verdict is not graded (citations only)."""

    id: str
    question: str
    verdict: list[str] = Field(default_factory=list)
    must_cite: list[str] = Field(default_factory=list)
    cite_any: list[str] = Field(default_factory=list)
    must_not_cite: list[str] = Field(default_factory=list)
    history: list[HistoryTurn] = Field(default_factory=list)
    facts: dict[str, Any] = Field(
        default_factory=dict, description="Expected understanding; see evals/fact_reading.py for the values."
    )
    note: str = ""
    file: str = Field("", description="The file the case was read from.")

    @property
    def theme(self) -> str:
        """The file's stem: cases are grouped in themed files."""
        return Path(self.file).stem

    @property
    def graded(self) -> bool:
        return bool(self.verdict)

    @property
    def expects_abstention(self) -> bool:
        """True when the preferred verdict abstains (buiten_bereik / hangt_af)."""
        return bool(self.verdict) and self.verdict[0] in ABSTAINING

    def turns(self) -> list[Turn]:
        return [turn.as_turn() for turn in self.history]


def load_cases(path: Path) -> list[Case]:
    """The cases of one YAML file, or of every *.yaml in a folder (sorted by name); ids must be unique."""
    files = case_file_paths(path)
    cases = [case for file in files for case in load_case_file(file)]
    _check_unique(cases)
    return cases


def case_file_paths(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        if not files:
            raise CaseFileError(f"{path}: no *.yaml case files in this folder; pass a case file or folder")
        return files
    if not path.is_file():
        raise CaseFileError(f"{path}: no such file or folder; pass a case file (.yaml) or a folder of them")
    return [path]


def load_case_file(path: Path) -> list[Case]:
    data = _read_yaml(path)
    if not isinstance(data, list):
        raise CaseFileError(
            f"{path}: the file must be a YAML list of cases ('- id: ...'), got {type(data).__name__}"
        )
    return [parse_case(item, path, position) for position, item in enumerate(data, start=1)]


def _read_yaml(path: Path) -> Any:
    try:
        return YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise CaseFileError(f"{path}: not valid YAML ({_one_line(exc)}); fix the syntax there") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError(f"{path}: cannot read the file ({exc})") from None


def parse_case(item: Any, path: Path, position: int) -> Case:
    """One list item as a Case; every check names `path`, the case and the field."""
    where = f"{path}: case #{position}"
    if not isinstance(item, dict):
        raise CaseFileError(
            f"{where}: expected a mapping with 'id' and 'question', got {type(item).__name__}"
        )
    case_id = item.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise CaseFileError(
            f"{where}: field 'id' is missing or not a string (got {case_id!r}); give a unique id"
        )
    where = f"{path}: case '{case_id}'"
    _check_fields(item, where)
    return Case(
        id=case_id,
        question=_text(item, "question", where),
        verdict=_verdicts(item.get("verdict"), where),
        **{field: _keys(item.get(field), field, where) for field in _KEY_FIELDS},
        history=_history(item.get("history"), where),
        facts=_facts(item.get("facts"), where),
        note=str(item.get("note") or ""),
        file=str(path),
    )


def _check_fields(item: dict[str, Any], where: str) -> None:
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        raise CaseFileError(f"{where}: unknown field(s) {unknown}; allowed: {sorted(_FIELDS)}")
    if "verdict" not in item:
        raise CaseFileError(
            f"{where}: field 'verdict' is missing; use [] for a case whose verdict is not graded"
        )


def _text(item: dict[str, Any], field: str, where: str) -> str:
    value = item.get(field)
    if not isinstance(value, str) or not value.strip():
        raise CaseFileError(f"{where}: field '{field}' must be a non-empty string (got {value!r})")
    return value


def _verdicts(value: Any, where: str) -> list[str]:
    values = _string_list(value, "verdict", where)
    for verdict in values:
        if verdict not in VERDICTS:
            raise CaseFileError(
                f"{where}: field 'verdict' has {verdict!r}, which is not a verdict; "
                f"use one of {list(VERDICTS)}"
            )
    return values


def _keys(value: Any, field: str, where: str) -> list[str]:
    keys = _string_list(value, field, where)
    for key in keys:
        try:
            parse_key(key)
        except CitationKeyError as exc:
            raise CaseFileError(f"{where}: field '{field}': {exc}") from None
    return keys


def _string_list(value: Any, field: str, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CaseFileError(
            f"{where}: field '{field}' must be a list of strings, e.g. ['AVG art. 6'] (got {value!r})"
        )
    return list(value)


def _history(value: Any, where: str) -> list[HistoryTurn]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CaseFileError(f"{where}: field 'history' must be a list of {{question, answer_verdict}} turns")
    return [_turn(turn, f"{where}: field 'history' turn {n}") for n, turn in enumerate(value, start=1)]


def _facts(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise CaseFileError(
            f"{where}: field 'facts' must be a mapping of fact ids to values, e.g. {{sender: politie}} "
            f"(got {value!r})"
        )
    return dict(value)


def _turn(value: Any, where: str) -> HistoryTurn:
    if not isinstance(value, dict) or set(value) - _TURN_FIELDS:
        raise CaseFileError(
            f"{where}: expected a mapping with 'question' and optional 'answer_verdict' (got {value!r})"
        )
    verdict = value.get("answer_verdict", "") or ""
    if verdict and verdict not in VERDICTS:
        raise CaseFileError(
            f"{where}: 'answer_verdict' {verdict!r} is not a verdict; use one of {list(VERDICTS)}"
        )
    return HistoryTurn(question=_text(value, "question", where), answer_verdict=verdict)


def _check_unique(cases: Iterable[Case]) -> None:
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            raise CaseFileError(
                f"{case.file}: case '{case.id}': field 'id' is already used in {seen[case.id]}; "
                "ids must be unique"
            )
        seen[case.id] = case.file


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
