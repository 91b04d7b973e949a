"""Stress under abuse: `python -m evals.stress --corpus DIR [--clients 50] [--seconds 60] [--json OUT]`.

Builds a small knowledge base (a slice of the corpus: UAVG and Jeugdwet) in a temp dir, starts
`deelwijzer serve` on a free 127.0.0.1 port with the real engine and model, and runs `--clients` concurrent
clients for `--seconds`: legitimate asks, chats with follow-ups, OpenAI calls, passages, sources, records and
feedback, mixed with abusive requests (oversized bodies, huge histories, 1,000 messages, lone surrogates,
forged records, wrong Beheer tokens, unknown languages, crafted text for the scrubber). A separate process
polls /healthz every 100 ms (so the load generator's own event loop does not count), and halfway through the
law folder is re-ingested (`ingest --from DIR --force`); the server then loads the new build while it serves.

All clients come from 127.0.0.1, so the run raises the ask, feedback and record rate limits (env
DEELWIJZER_RATE_LIMITS__…=100000) — otherwise the legitimate clients would be throttled as one client; the
wrong-token limit keeps its default, so the token guessing meets 429. Loopback only; bounded in time.

Printed: per request kind the count, status codes and p50/p95; legitimate p50/p95 and throughput; /healthz
p50/p99/max; errors on legitimate requests (must be 0) and 5xx on abusive ones (must be 0). Exit code 1 when
either is not 0 or /healthz p99 is 200 ms or more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.jobs import INGEST_NICENESS
from evals.bench import free_port
from evals.grading import percentile
from evals.stress_requests import ABUSE, LEGIT, QUESTIONS, ClientState

REPO = Path(__file__).resolve().parent.parent
SLICE = (
    "nl-bwb-xml/BWBR0040940/2026-09-01/toestand.xml",
    "nl-bwb-xml/BWBR0034925/2024-01-01/toestand.xml",
    "nl-regelrecht-corpus/regulation/nl/wet/jeugdwet/2026-01-01.yaml",
)
RAISED_LIMITS = {
    "DEELWIJZER_RATE_LIMITS__ASKS_PER_MINUTE": "100000",
    "DEELWIJZER_RATE_LIMITS__FEEDBACK_PER_MINUTE": "100000",
    "DEELWIJZER_RATE_LIMITS__RECORDS_PER_MINUTE": "100000",
}
ABUSE_SHARE = 0.2
HEALTH_INTERVAL_S = 0.1


@dataclass
class Tally:
    """Outcomes per request kind: status codes and durations (ms)."""

    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    legit_errors: list[str] = field(default_factory=list)
    abuse_5xx: list[str] = field(default_factory=list)

    def add(self, kind: str, legit: bool, status: str, ms: float) -> None:
        self.statuses[kind][status] += 1
        self.ms[kind].append(ms)
        failed = status.startswith("5") or not status[:1].isdigit()  # 5xx, or no answer at all
        if legit and not status.startswith("2"):
            self.legit_errors.append(f"{kind}: {status}")
        elif not legit and failed:
            self.abuse_5xx.append(f"{kind}: {status}")


# --- setting up -------------------------------------------------------------------------------------------


def server_env(root: Path, models: Path, cache: Path, token: str) -> dict[str, str]:
    return {
        **os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
        "DEELWIJZER_DATA_DIR": str(root / "data"), "DEELWIJZER_MODELS_FOLDER": str(models),
        "DEELWIJZER_CACHE_FOLDER": str(cache), "DEELWIJZER_SERVER__ADMIN_TOKEN": token, **RAISED_LIMITS,
    }  # fmt: skip


def make_slice(corpus: Path, root: Path) -> Path:
    folder = root / "corpus"
    for name in SLICE:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(corpus / name, target)
    return folder


def ingest(folder: Path, env: dict[str, str], force: bool = False) -> tuple[int, float]:
    """`deelwijzer ingest --from folder`; the re-ingest during the load (force) runs under `nice -n 10`, as
    docs/reliability.md advises for a re-ingest on the serving machine (Beheer uploads do the same)."""
    command = [sys.executable, "-m", "deelwijzer", "ingest", "--from", str(folder)]
    if force:
        command.append("--force")
        if shutil.which("nice"):
            command = ["nice", "-n", str(INGEST_NICENESS), *command]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-2000:])
    return done.returncode, time.perf_counter() - started


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"`deelwijzer serve` exited with code {server.returncode} before it answered")
        try:
            if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"`deelwijzer serve` did not answer /healthz within {timeout:.0f} s")


# --- the scrubber on crafted text -----------------------------------------------------------------------

SCRUB_CASES = {
    "a×1M": "a" * 1_000_000, "a.×500k": "a." * 500_000, "@×1M": "@" * 1_000_000, "a@×500k": "a@" * 500_000,
    "(a×70 @)×14k": ("a" * 70 + "@") * 14_084, "digits 1M": "1" * 1_000_000, "'1 '×500k": "1 " * 500_000,
    "'+31 '×250k": "+31 " * 250_000, "'Aa '×333k": "Aa " * 333_333, "'Jan van '×125k": "Jan van " * 125_000,
    "'Kerkstraat '×91k": "Kerkstraat " * 90_909, "'NL91 '×200k": "NL91 " * 200_000,
}  # fmt: skip


def scrub_bench() -> dict[str, int]:
    """Milliseconds of CPU (this thread) to scrub 1 MB of each crafted text."""
    from bot.scrub import scrub

    figures = {}
    for name, text in SCRUB_CASES.items():
        started = time.thread_time()
        scrub(text)
        figures[name] = round((time.thread_time() - started) * 1000)
    return figures


# --- running ----------------------------------------------------------------------------------------------


async def timed(kind: str, legit: bool, call: Awaitable[httpx.Response], tally: Tally) -> None:
    started = time.perf_counter()
    try:
        response = await call
        status = str(response.status_code)
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    tally.add(kind, legit, status, (time.perf_counter() - started) * 1000)


async def client_loop(base: str, seed: int, stop: float, tally: Tally, token: str) -> None:
    me = ClientState(random.Random(seed), token)
    kinds, weights = list(LEGIT), [weight for _, weight in LEGIT.values()]
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        while time.monotonic() < stop:
            if me.rng.random() < ABUSE_SHARE:
                kind = me.rng.choice(list(ABUSE))
                await timed(kind, False, ABUSE[kind](client, me), tally)
            else:
                kind = me.rng.choices(kinds, weights)[0]
                await timed(kind, True, LEGIT[kind][0](client, me), tally)


def poll_health(base: str, seconds: float, out: Path) -> None:
    """In its own process (so the load generator's event loop does not add to the figures): GET /healthz
    every HEALTH_INTERVAL_S; writes [[seconds since start, ms, status], ...] to `out`."""
    samples: list[tuple[float, float, str]] = []
    started = time.monotonic()
    with httpx.Client(base_url=base, timeout=30) as client:
        while time.monotonic() - started < seconds:
            sent = time.perf_counter()
            try:
                status = str(client.get("/healthz").status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            samples.append(
                (round(time.monotonic() - started, 2), (time.perf_counter() - sent) * 1000, status)
            )
            time.sleep(HEALTH_INTERVAL_S)
    out.write_text(json.dumps(samples), encoding="utf-8")


def health_figures(samples: list[list[Any]], reingest: dict[str, Any], tally: Tally) -> dict[str, Any]:
    """p50/p99/max of /healthz, overall and in the window from the re-ingest's start to 15 s after its end
    (the server loads the new build then)."""
    for _, ms, status in samples:
        tally.add("healthz", True, status, ms)
    start = reingest.get("started_s", 0.0)
    end = start + reingest.get("seconds", 0.0) + 15
    inside = [ms for t, ms, _ in samples if start <= t <= end]
    outside = [ms for t, ms, _ in samples if not start <= t <= end]
    ms_all = [ms for _, ms, _ in samples]
    return {
        "n": len(ms_all), "p50": percentile(ms_all, 50), "p99": percentile(ms_all, 99),
        "max": round(max(ms_all), 1) if ms_all else None,
        "p99_around_reingest": percentile(inside, 99), "p99_rest": percentile(outside, 99),
    }  # fmt: skip


async def reingest_later(delay: float, folder: Path, env: dict[str, str], result: dict[str, Any]) -> None:
    await asyncio.sleep(delay)
    result["started_s"] = round(delay, 1)
    code, seconds = await asyncio.to_thread(ingest, folder, env, True)
    result.update(exit_code=code, seconds=round(seconds, 1))


async def run_load(
    base: str, clients: int, seconds: float, folder: Path, env: dict[str, str], token: str
) -> tuple[Tally, dict[str, Any], float]:
    tally, reingest = Tally(), dict[str, Any]()
    samples_file = folder.parent / "healthz.json"
    poller = multiprocessing.get_context("spawn").Process(
        target=poll_health, args=(base, seconds, samples_file)
    )
    poller.start()
    started = time.monotonic()
    stop = started + seconds
    tasks = [client_loop(base, seed, stop, tally, token) for seed in range(clients)]
    await asyncio.gather(*tasks, reingest_later(seconds / 2, folder, env, reingest))
    elapsed = time.monotonic() - started
    await asyncio.to_thread(poller.join, 60)
    samples = json.loads(samples_file.read_text(encoding="utf-8")) if samples_file.is_file() else []
    reingest["healthz"] = health_figures(samples, reingest, tally)
    return tally, reingest, elapsed


def summary(tally: Tally, elapsed: float, reingest: dict[str, Any], clients: int) -> dict[str, Any]:
    legit_kinds = [kind for kind in LEGIT if kind in tally.ms]
    legit_ms = [ms for kind in legit_kinds for ms in tally.ms[kind]]
    total = sum(len(values) for kind, values in tally.ms.items() if kind != "healthz")
    health = reingest.pop("healthz")
    return {
        "clients": clients, "seconds": round(elapsed, 1), "requests": total,
        "throughput_rps": round(total / elapsed, 1), "legit_requests": len(legit_ms),
        "legit_rps": round(len(legit_ms) / elapsed, 1),
        "legit_ms": {"p50": percentile(legit_ms, 50), "p95": percentile(legit_ms, 95)},
        "healthz_ms": health,
        "legit_errors": len(tally.legit_errors), "legit_error_examples": tally.legit_errors[:10],
        "abuse_5xx": len(tally.abuse_5xx), "reingest": reingest,
        "kinds": {kind: {"n": len(tally.ms[kind]), "statuses": dict(tally.statuses[kind]),
                         "p50_ms": percentile(tally.ms[kind], 50), "p95_ms": percentile(tally.ms[kind], 95)}
                  for kind in sorted(tally.ms)},
    }  # fmt: skip


def print_summary(result: dict[str, Any]) -> None:
    head = f"{result['clients']} clients, {result['seconds']} s, {result['requests']} requests"
    print(
        f"\n{head} ({result['throughput_rps']}/s; "
        f"legitimate {result['legit_requests']}, {result['legit_rps']}/s)"
    )
    print(f"{'kind':24} {'n':>6} {'p50 ms':>9} {'p95 ms':>9}  statuses")
    for kind, row in result["kinds"].items():
        statuses = ", ".join(f"{code}×{n}" for code, n in sorted(row["statuses"].items()))
        print(f"{kind:24} {row['n']:>6} {row['p50_ms']!s:>9} {row['p95_ms']!s:>9}  {statuses}")
    legit, health = result["legit_ms"], result["healthz_ms"]
    print(
        f"legitimate requests: p50 {legit['p50']} ms, p95 {legit['p95']} ms; errors: {result['legit_errors']}"
    )
    print(
        f"/healthz: p50 {health['p50']} ms, p99 {health['p99']} ms, max {health['max']} ms "
        f"({health['n']} polls; "
        f"p99 {health['p99_around_reingest']} ms around the re-ingest, {health['p99_rest']} ms otherwise)"
    )
    print(f"abusive requests answered 5xx: {result['abuse_5xx']}")
    print(f"re-ingest (--force) halfway: {result['reingest']}")
    scrubbed = result["scrub_1mb_ms"]
    worst = max(scrubbed, key=scrubbed.__getitem__)
    print(
        f"scrubbing 1 MB of crafted text: worst {scrubbed[worst]} ms CPU ({worst}); "
        + ", ".join(f"{name} {ms}" for name, ms in scrubbed.items())
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--models-folder", type=Path, default=REPO / ".cache" / "test" / "models")
    parser.add_argument("--cache-folder", type=Path, default=REPO / ".cache" / "test" / "cache")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="deelwijzer-stress-") as tmp:
        root = Path(tmp)
        env = server_env(root, args.models_folder, args.cache_folder, token)
        folder = make_slice(args.corpus, root)
        code, seconds = ingest(folder, env)
        if code != 0:
            print(f"ingest of the corpus slice failed (exit code {code})", file=sys.stderr)
            return 2
        print(f"knowledge base (corpus slice) built in {seconds:.1f} s", file=sys.stderr)
        port = free_port()
        command = [sys.executable, "-m", "deelwijzer", "serve", "--host", "127.0.0.1", "--port", str(port)]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base, server)
            httpx.post(
                f"{base}/api/ask", json={"question": QUESTIONS[0]}, timeout=300
            ).raise_for_status()  # warm
            print(
                f"server ready on {base}; {args.clients} clients for {args.seconds:.0f} s …", file=sys.stderr
            )
            tally, reingest, elapsed = asyncio.run(
                run_load(base, args.clients, args.seconds, folder, env, token)
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
    result = summary(tally, elapsed, reingest, args.clients)
    result["scrub_1mb_ms"] = scrub_bench()
    print_summary(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    healthy = (result["healthz_ms"]["p99"] or 0) < 200 and reingest.get("exit_code") == 0
    return 0 if result["legit_errors"] == 0 and result["abuse_5xx"] == 0 and healthy else 1


if __name__ == "__main__":
    sys.exit(main())
