"""The benchmark's summary rows: every measured part is printed with its target (no timing is asserted)."""

from __future__ import annotations

from evals.bench import SEARCH_SETS, summary_rows


def _metrics(ndcg: float) -> dict[str, object]:
    return {"ndcg_10": ndcg, "mrr_10": ndcg, "recall": {"R@1": 0.1, "R@5": 0.5, "R@10": 0.6, "R@100": 0.9}}


def test_search_and_concurrent_server_figures_are_printed_with_targets() -> None:
    systems = {name: _metrics(0.4) for name in ("deelwijzer", "hybrid", "bm25", "dense", "naive")}
    result = {
        "search": {name: {"systems": systems} for name, _ in SEARCH_SETS},
        "server": {
            "requests": 156, "vmhwm_mb": 1100, "vmrss_mb": 1000,
            "idle_ms": {"p50": 90.0, "p95": 130.0, "p99": 150.0},
            "concurrent": {"clients": 20, "asks": 120, "ms": {"p50": 900.0, "p95": 1800.0, "p99": None},
                           "answers_per_s": 11.5},
        },
    }  # fmt: skip
    rows = {(name, value.split()[0] if name.startswith("search") else ""): (value, target)
            for name, value, target in summary_rows(result)}  # fmt: skip
    value, target = rows[("search statute-qa-test", "hybrid")]
    assert value.endswith("nDCG@10 40.0, R@10 60.0, R@5 50.0") and "≥ 80" in target
    assert rows[("search deelwijzer", "naive")][1] == ""
    assert rows[("ask, 20 clients", "")][0] == "p50 900 / p95 1800 / p99 — ms, 11.5 answers/s (120 asks)"
    assert rows[("ask over HTTP, idle", "")] == ("p50 90 / p95 130 / p99 150 ms", "p95 ≤ 300 ms")
    assert rows[("server VmHWM", "")][0] == "1100 MB after 156 asks"
