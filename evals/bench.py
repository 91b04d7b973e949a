"""Speed and memory figures: `python -m evals.bench --corpus DIR [--only ingest] [--json OUT]`.

    ingest     cold (empty embedding cache in a temp dir) and warm (nothing changed) in child processes:
               seconds, passages/s, peak RSS (os.wait4 rusage of the child)
    search     every system (pipeline, hybrid, BM25, dense, naive LangChain RAG) on the project's BEIR
               sets over the knowledge base just built: the gold cases' set and the statute QA dev and
               held-out test sets (judged per article); the reports go to evals/out/retrieval*.json for
               `deelwijzer eval report`
    queries    Engine.answer over the gold questions and retrieval alone, each in a fresh child process
               (models loaded and warmed first; no query-embedding cache carried over): p50/p95/p99
    baseline   the naive LangChain RAG over the same passages: index seconds, query p50/p95/p99, size
    disk       size of the build (and of its chroma part)
    server     `deelwijzer serve` on a free loopback port, /api/ask a few dozen times, VmHWM from /proc
    cold start time to first answer from an empty data folder (`ingest --dense-later`, then `serve`;
               evals/bench_cold.py), the dense index completing in the background

Targets are printed beside the figures; nothing here asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evals.grading import percentile

CASES = Path(__file__).resolve().parent / "cases"
SERVER_REQUESTS = 36
CONCURRENT_CLIENTS = 20
ASKS_PER_CLIENT = 6


# --- children: each prints one JSON object on stdout ------------------------------------------------------


def _settings(args: argparse.Namespace) -> Any:
    from kb.settings import Settings

    return Settings(
        data_dir=args.data_dir, models_folder=args.models_folder, cache_folder=args.cache_folder,
        corpus_dir=args.corpus,
    )  # fmt: skip


def child_ingest(args: argparse.Namespace) -> dict[str, Any]:
    from ingest.pipeline import ingest_folder
    from kb.embedders import make_embedder

    settings = _settings(args)
    embedder = make_embedder(settings)
    started = time.perf_counter()
    report = ingest_folder(settings, embedder, args.corpus)
    seconds = time.perf_counter() - started
    manifest = report.result.manifest
    passages = sum(r.passage_count for r in manifest.documents if r.current)
    return {"seconds": seconds, "passages": passages, "written": report.result.written}


def _questions(args: argparse.Namespace) -> list[tuple[str, list[Any], str]]:
    from evals.case_files import load_cases

    return [(case.question, case.turns(), case.id) for case in load_cases(args.cases)]


def child_ask(args: argparse.Namespace) -> dict[str, Any]:
    from bot.engine import build_engine

    engine = build_engine(_settings(args))
    engine.answer("Mag de gemeente een adres doorgeven aan de politie?")  # warm-up, not one of the cases
    return {"ms": [_timed(lambda q=q, h=h, i=i: engine.answer(q, h, id=i)) for q, h, i in _questions(args)]}


def child_retrieval(args: argparse.Namespace) -> dict[str, Any]:
    from bot.engine import build_engine

    engine = build_engine(_settings(args))
    engine.search("Mag de gemeente een adres doorgeven aan de politie?")  # warm-up
    return {"ms": [_timed(lambda q=q: engine.search(q)) for q, _, _ in _questions(args)]}


def child_naive(args: argparse.Namespace) -> dict[str, Any]:
    from evals.baseline import EmbedderEmbeddings, NaiveRag
    from evals.beir import passage_head
    from kb.embedders import make_embedder
    from kb.local_kb import open_knowledge_base
    from kb.vector_store import close_client, embedded_client

    settings = _settings(args)
    embedder = make_embedder(settings)
    kb = open_knowledge_base(settings, embedder)
    docs = [(p.uid, f"{passage_head(p)}\n{p.text}") for p in kb.passages()]
    client = embedded_client(args.naive_dir)
    started = time.perf_counter()
    naive = NaiveRag(docs, EmbedderEmbeddings(embedder), client)
    seconds = time.perf_counter() - started
    naive.search("Mag de gemeente een adres doorgeven aan de politie?", 8)  # warm-up
    latencies = [_timed(lambda q=q: naive.search(q, 8)) for q, _, _ in _questions(args)]
    close_client(client)
    return {"seconds": seconds, "chunks": len(naive.chunks), "documents": len(docs), "ms": latencies}


def _timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


SEARCH_SETS = (("deelwijzer", "retrieval.json"), ("statute-qa-dev", "retrieval-statute-qa-dev.json"),
               ("statute-qa-test", "retrieval-statute-qa-test.json"))  # fmt: skip


def child_search(args: argparse.Namespace) -> dict[str, Any]:
    """Search quality of every system on the project's BEIR sets, over the knowledge base this run built."""
    from evals.beir import PROJECT_SET, BeirSet, copy_set, kb_corpus, load_beir, set_level, write_corpus
    from evals.retrieval_eval import evaluate_beir
    from kb.embedders import make_embedder
    from kb.local_kb import open_knowledge_base

    settings = _settings(args)
    embedder = make_embedder(settings)
    kb = open_knowledge_base(settings, embedder)
    corpus = kb_corpus(kb)
    kb.close()
    reports = {}
    for name, _ in SEARCH_SETS:
        folder = args.data_dir.parent / f"beir-{name}"
        write_corpus(folder, corpus)
        copy_set(PROJECT_SET.parent / name, folder)
        beir: BeirSet = load_beir(folder, set_level(PROJECT_SET.parent / name))
        reports[name] = evaluate_beir(beir, settings, embedder).model_dump(mode="json")
    return reports


CHILDREN = {"ingest": child_ingest, "ask": child_ask, "retrieval": child_retrieval, "naive": child_naive,
            "search": child_search}  # fmt: skip


# --- parent -----------------------------------------------------------------------------------------------


def run_child(
    kind: str, args: argparse.Namespace, data_dir: Path, cache: Path
) -> tuple[dict[str, Any], float]:
    """Run one child; its JSON and its peak RSS in MB (rusage of exactly that child)."""
    command = [
        sys.executable, "-m", "evals.bench", "--child", kind, "--corpus", str(args.corpus),
        "--data-dir", str(data_dir), "--cache-folder", str(cache), "--models-folder", str(args.models_folder),
        "--cases", str(args.cases), "--naive-dir", str(data_dir.parent / "naive"),
    ]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=_env())
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"bench child '{kind}' failed with exit code {proc.returncode} (see stderr above)")
    return json.loads(output.decode().strip().splitlines()[-1]), usage.ru_maxrss / 1024


def _env() -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}


def tree_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def figures_ms(values: list[float]) -> dict[str, float | None]:
    return {f"p{q}": percentile(values, q) for q in (50, 95, 99)}


def bench_ingest(args: argparse.Namespace, root: Path, log: Any) -> dict[str, Any]:
    data, cache = root / "data", root / "cold-cache"
    cold, cold_rss = run_child("ingest", args, data, cache)
    log(f"cold ingest: {cold['passages']} passages in {cold['seconds']:.1f} s")
    warm, warm_rss = run_child("ingest", args, data, cache)
    log(f"warm ingest: {warm['seconds']:.2f} s (written: {warm['written']})")
    rate = round(cold["passages"] / cold["seconds"], 1)
    return {
        "passages": cold["passages"],
        "cold": {"seconds": round(cold["seconds"], 2), "passages_per_s": rate,
                 "peak_rss_mb": round(cold_rss)},
        "warm": {"seconds": round(warm["seconds"], 2), "rebuilt": warm["written"],
                 "peak_rss_mb": round(warm_rss)},
        "disk_mb": disk(data),
    }  # fmt: skip


def disk(data: Path) -> dict[str, float]:
    from kb.builds import build_path, read_current

    build = build_path(data / "kb", read_current(data / "kb") or "")
    return {"build": round(tree_mb(build), 1), "chroma": round(tree_mb(build / "chroma"), 1)}


def bench_queries(args: argparse.Namespace, root: Path, log: Any) -> dict[str, Any]:
    data, cache = root / "data", root / "cold-cache"
    ask, ask_rss = run_child("ask", args, data, cache)
    log(f"ask: {len(ask['ms'])} questions")
    retrieval, _ = run_child("retrieval", args, data, cache)
    naive, _ = run_child("naive", args, data, cache)
    log(f"naive baseline: {naive['chunks']} chunks indexed in {naive['seconds']:.1f} s")
    return {
        "ask_ms": figures_ms(ask["ms"]),
        "ask_process_peak_rss_mb": round(ask_rss),
        "retrieval_ms": figures_ms(retrieval["ms"]),
        "naive": {"index_seconds": round(naive["seconds"], 1), "chunks": naive["chunks"],
                  "query_ms": figures_ms(naive["ms"]), "disk_mb": round(tree_mb(root / "naive"), 1)},
    }  # fmt: skip


def bench_search(args: argparse.Namespace, root: Path, log: Any) -> dict[str, Any]:
    """Every system on the project's BEIR sets; the reports also go to --search-out for the eval report."""
    reports, _ = run_child("search", args, root / "data", root / "cold-cache")
    if args.search_out is not None:
        args.search_out.mkdir(parents=True, exist_ok=True)
        for name, file_name in SEARCH_SETS:
            (args.search_out / file_name).write_text(
                json.dumps(reports[name], indent=1) + "\n", encoding="utf-8"
            )
    log(f"search: {', '.join(reports)}")
    return reports


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bench_server(args: argparse.Namespace, root: Path, log: Any) -> dict[str, Any]:
    import httpx

    from evals.stress import RAISED_LIMITS

    port = free_port()
    env = {
        **_env(),
        **RAISED_LIMITS,
        "DEELWIJZER_DATA_DIR": str(root / "data"),
        "DEELWIJZER_CACHE_FOLDER": str(root / "cold-cache"),
        "DEELWIJZER_MODELS_FOLDER": str(args.models_folder),
    }
    command = [sys.executable, "-m", "deelwijzer", "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from evals.stress import wait_ready  # httpx only when the server is measured

        base = f"http://127.0.0.1:{port}"
        wait_ready(base, server)
        questions = [q for q, h, _ in _questions(args) if not h]
        with httpx.Client(base_url=base, timeout=120) as client:
            idle = [_timed(lambda q=q: _ask(client, q)) for q in questions[:SERVER_REQUESTS]]
        concurrent, seconds = _concurrent_asks(base, questions)
        status = _proc_status(server.pid)
        log(f"server: {len(idle)} asks idle, {len(concurrent)} from {CONCURRENT_CLIENTS} clients in "
            f"{seconds:.1f} s, VmHWM {status['VmHWM']} MB")  # fmt: skip
        together = {"clients": CONCURRENT_CLIENTS, "asks": len(concurrent), "ms": figures_ms(concurrent),
                    "answers_per_s": round(len(concurrent) / seconds, 1)}  # fmt: skip
        return {
            "requests": len(idle) + len(concurrent), "vmhwm_mb": status["VmHWM"], "vmrss_mb": status["VmRSS"],
            "idle_ms": figures_ms(idle), "concurrent": together,
        }  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)


def _ask(client: Any, question: str) -> None:
    client.post("/api/ask", json={"question": question}).raise_for_status()


def _concurrent_asks(base: str, questions: list[str]) -> tuple[list[float], float]:
    """CONCURRENT_CLIENTS clients at once, each asking ASKS_PER_CLIENT questions of its own in turn: the
    latency of every ask (ms) and the wall time of the whole (s)."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    def client_run(number: int) -> list[float]:
        mine = [questions[(number * ASKS_PER_CLIENT + i) % len(questions)] for i in range(ASKS_PER_CLIENT)]
        with httpx.Client(base_url=base, timeout=300) as client:
            return [_timed(lambda q=q: _ask(client, q)) for q in mine]

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENT_CLIENTS) as pool:
        per_client = list(pool.map(client_run, range(CONCURRENT_CLIENTS)))
    return [ms for times in per_client for ms in times], time.perf_counter() - started


def _proc_status(pid: int) -> dict[str, float]:
    """VmHWM and VmRSS of `pid` in MB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmHWM", "VmRSS"):
            fields[name] = round(int(value.split()[0]) / 1024)
    return fields


# --- output -----------------------------------------------------------------------------------------------


def summary_rows(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(figure, value, target) rows for what was measured."""
    rows: list[tuple[str, str, str]] = []
    ingest, queries, server = result.get("ingest"), result.get("queries"), result.get("server")
    if ingest:
        cold, warm, size = ingest["cold"], ingest["warm"], ingest["disk_mb"]
        rate = f"{cold['passages_per_s']} passages/s, {ingest['passages']} passages"
        rows += [
            ("ingest cold s", f"{cold['seconds']} s ({rate})", "≤ 120 s"),
            ("ingest warm s", f"{warm['seconds']} s (rebuilt: {warm['rebuilt']})", "≤ 5 s"),
            ("ingest peak RSS", f"cold {cold['peak_rss_mb']} MB, warm {warm['peak_rss_mb']} MB", ""),
            ("index on disk", f"{size['build']} MB (chroma {size['chroma']} MB)", ""),
        ]  # fmt: skip
    if queries:
        naive = queries["naive"]
        rows += [
            ("ask ms", _pcts(queries["ask_ms"]), "p95 ≤ 300 ms"),
            ("retrieval ms", _pcts(queries["retrieval_ms"]), "p95 ≤ 60 ms"),
            ("naive RAG query ms", _pcts(naive["query_ms"]), "(baseline)"),
            ("naive RAG index", f"{naive['index_seconds']} s, {naive['chunks']} chunks, "
             f"{naive['disk_mb']} MB", "(baseline, warm cache)"),
        ]  # fmt: skip
    cold = result.get("cold_start")
    if cold:
        dense = cold["dense_at_first_answer"] or {}
        value = (
            f"{cold['first_answer_s']} s (lexical ingest {cold['lexical_ingest_s']} s, "
            f"{cold['lexical_ingest_cpu_s']} CPU s; search {cold['retrieval']}, "
            f"dense {dense.get('state')} {dense.get('done')}/{dense.get('total')})"
        )
        rows.append(("first answer, cold", value, "≤ 60 s"))
        if "dense_completion" in cold:
            done = cold["dense_completion"]
            value = (
                f"in service after {cold['dense_ready_s']} s (embedding {done['passages']} passages: "
                f"{done['seconds']} s, {done['cpu_seconds']} CPU s)"
            )
            rows.append(("dense index, cold", value, ""))
    for name, found in (result.get("search") or {}).items():
        for system in ("deelwijzer", "hybrid", "bm25", "dense", "naive"):
            m = found["systems"][system]
            value = f"nDCG@10 {100 * m['ndcg_10']:.1f}, R@10 {100 * m['recall']['R@10']:.1f}, R@5 " \
                    f"{100 * m['recall']['R@5']:.1f}"  # fmt: skip
            rows.append((f"search {name}", f"{system:<10} {value}", _search_target(name, system)))
    if server:
        together = server["concurrent"]
        rows += [
            ("ask over HTTP, idle", f"{_pcts(server['idle_ms'])} ms", "p95 ≤ 300 ms"),
            (f"ask, {together['clients']} clients", f"{_pcts(together['ms'])} ms, "
             f"{together['answers_per_s']} answers/s ({together['asks']} asks)", ""),
            ("server VmHWM", f"{server['vmhwm_mb']} MB after {server['requests']} asks", "≤ 1536 MB"),
        ]  # fmt: skip
    return rows


def _search_target(name: str, system: str) -> str:
    if name.startswith("statute-qa") and system == "hybrid":
        return "nDCG@10 ≥ 80, R@10 ≥ 90, above dense"
    return ""


def _pcts(values: dict[str, float | None]) -> str:
    return " / ".join(f"{name} {'—' if value is None else f'{value:.0f}'}" for name, value in values.items())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description="Deelwijzer speed and memory.")
    parser.add_argument("--corpus", type=Path, required=True, help="Corpus folder (e.g. ../shared/corpus).")
    parser.add_argument(
        "--only", choices=["ingest", "first-answer"], help="Only the ingest, or only the cold-start figures."
    )
    parser.add_argument(
        "--wait-dense", action="store_true", help="Cold start: also time the background dense index."
    )
    parser.add_argument("--json", type=Path, dest="json_out", help="Also write the figures as JSON here.")
    parser.add_argument("--cases", type=Path, default=CASES, help="Gold cases whose questions are timed.")
    parser.add_argument(
        "--search-out", type=Path, default=Path("evals/out"),
        help="Where the search reports go (retrieval*.json, read by `deelwijzer eval report`).",
    )  # fmt: skip
    parser.add_argument("--models-folder", type=Path, help="Converted models (default: from settings).")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache-folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--naive-dir", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return 0
    if args.models_folder is None:
        from kb.settings import get_settings

        args.models_folder = get_settings().models_dir

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="deelwijzer-bench-") as tmp:
        root = Path(tmp)
        if args.only != "first-answer":
            result["ingest"] = bench_ingest(args, root, log)
        if args.only in (None, "first-answer"):
            from evals.bench_cold import first_answer

            result["cold_start"] = first_answer(args.corpus, root, log, wait_dense=args.wait_dense)
        if args.only is None:
            result["search"] = bench_search(args, root, log)
            result["queries"] = bench_queries(args, root, log)
            result["server"] = bench_server(args, root, log)
    for name, value, target in summary_rows(result):
        print(f"{name:<20} {value:<70} {target}")
    if args.json_out:
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
