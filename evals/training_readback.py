"""The read-back figure of issue 17: generate N training scenarios (no filtering) and report how many read
back to their facts and verdict, over how many themes.

    .venv/bin/python -m evals.training_readback --n 100 --seed 1 [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from bot.engine import build_engine
from bot.training.scenarios import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    pack = generate(build_engine(), "alle", n=args.n, seed=args.seed, check=False)
    scenarios = pack.scenarios
    facts_ok = sum(bool(s.readback and s.readback.facts_ok) for s in scenarios)
    verdict_ok = sum(bool(s.readback and s.readback.verdict_ok) for s in scenarios)
    contrast_ok = sum(bool(s.contrast.readback and s.contrast.readback.ok) for s in scenarios)
    flips = sum(s.contrast.answer.verdict != s.answer.verdict for s in scenarios)
    per_theme = Counter((s.theme, s.offered) for s in scenarios)
    report = {
        "scenarios": len(scenarios), "themes": len({s.theme for s in scenarios}), "seed": args.seed,
        "facts_read_back": facts_ok, "verdict_read_back": verdict_ok, "contrast_read_back": contrast_ok,
        "offered": sum(s.offered for s in scenarios), "contrast_flips": flips,
        "removed_citations": sum(len(s.answer.citations) == 0 for s in scenarios),
        "per_theme": {
            f"{theme}:{'ok' if ok else 'fail'}": count for (theme, ok), count in sorted(per_theme.items())
        },
        "failures": [
            {"id": s.id, "casus": s.casus, "mismatches": s.readback.mismatches if s.readback else []}
            for s in scenarios if not s.offered
        ],
    }  # fmt: skip
    n = max(len(scenarios), 1)
    print(f"{len(scenarios)} scenario's over {report['themes']} thema's (seed {args.seed})")
    print(f"feiten teruggelezen: {facts_ok}/{len(scenarios)} ({100 * facts_ok / n:.1f}%)")
    print(f"oordeel uit de tekst gelijk: {verdict_ok}/{len(scenarios)} ({100 * verdict_ok / n:.1f}%)")
    print(
        f"contrastcasus teruggelezen: {contrast_ok}/{len(scenarios)}; contrast kantelt het oordeel: {flips}"
    )
    print(f"aangeboden (alles klopt): {report['offered']}/{len(scenarios)}")
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
