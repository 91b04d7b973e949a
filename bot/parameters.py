"""Legal thresholds as data: kb/assessment/_parameters.yaml, each with the provision that sets it.

age_years("geheimhouding_toestemming")  # 12 (Jeugdwet art. 7.3.15, Wmo 2015 art. 5.3.3 lid 2)
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

import kb
from kb.errors import KbError

PARAMETERS_FILE = Path(kb.__file__).resolve().parent / "assessment" / "_parameters.yaml"


class ParameterError(KbError):
    """kb/assessment/_parameters.yaml is unreadable or malformed."""


class AgeParameter(BaseModel):
    years: int = Field(gt=0, lt=120)
    meaning: dict[str, str]
    provisions: list[str] = Field(min_length=1)


class Parameters(BaseModel):
    """kb/assessment/_parameters.yaml: the legal thresholds, each with the provision that sets it."""

    ages: dict[str, AgeParameter]


@lru_cache(maxsize=4)
def load_parameters(path: Path = PARAMETERS_FILE) -> Parameters:
    try:
        return Parameters.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    except (OSError, YAMLError, ValidationError) as exc:
        raise ParameterError(f"{path}: cannot read the legal thresholds ({exc}) — restore the file") from exc


def age_years(threshold: str) -> int:
    """The age in years a named legal threshold sets (kb/assessment/_parameters.yaml)."""
    return load_parameters().ages[threshold].years
