"""Deelkaart speed: `python -m evals.bench_matrix [--json OUT]` (part of `make bench`).

Computes whole maps (the chain's 24 x 24 = 576 cells) on the knowledge base in service, uncached, after the
engine is loaded and warm, and prints wall and CPU seconds per map beside the target (< 5 s on 2 cores), then
the time of a cached map. Nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bot.engine import build_engine
from bot.matrix.axes import MapRequest
from bot.matrix.compute import compute_map

REQUESTS = (
    MapRequest(data="gezondheid", purpose="hulpverlening"),
    MapRequest(data="strafrechtelijk", purpose="opsporing", minor=True),
    MapRequest(data="bsn", purpose="registratie", consent="refused"),
    MapRequest(data="gewoon", purpose="casusoverleg", partnership="zvh", urgent=True),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench_matrix", description="Deelkaart speed.")
    parser.add_argument("--json", type=Path, dest="json_out", help="Also write the figures as JSON here.")
    args = parser.parse_args(argv)
    engine = build_engine()
    first = REQUESTS[0]
    engine.answer("", facts=first.facts("politie", "comensha"))  # load and warm what `ask` loads
    rows = []
    for request in REQUESTS:
        wall, cpu = time.perf_counter(), time.process_time()
        deelkaart = compute_map(engine, request, use_cache=False)
        rows.append({
            "map": f"{request.data}/{request.purpose}", "cells": len(deelkaart.cells),
            "wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(time.process_time() - cpu, 2),
            "covered": deelkaart.coverage.covered,
        })  # fmt: skip
    compute_map(engine, first)
    started = time.perf_counter()
    compute_map(engine, first)
    cached_ms = (time.perf_counter() - started) * 1000
    for row in rows:
        print(f"deelkaart {row['map']:<28} {row['cells']} cells: {row['wall_s']} s wall, {row['cpu_s']} s CPU"
              f" (coverage {row['covered']:.0%})   target < 5 s")  # fmt: skip
    print(f"deelkaart cached {cached_ms:.1f} ms   (kb build {engine.kb.manifest.build_id})")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps({"maps": rows, "cached_ms": cached_ms}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
