"""Time to first answer from a cold data folder, the way `make run` does it on a fresh machine.

An empty data dir (its own models folder and embedding cache, so the model is converted too), then
`deelwijzer ingest --dense-later --from CORPUS` and `deelwijzer serve`; the clock runs from the ingest's start
until POST /api/ask first answers 200. The dense index is then still being embedded in the background: its
progress at that moment is recorded, and with `wait_dense` also the time until it is in service.
Nothing here asserts a timing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

QUESTION = "Mag de politie gegevens over een slachtoffer van mensenhandel delen met de gemeente?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
        "DEELWIJZER_DATA_DIR": str(data),
    }


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "deelwijzer", *args]


def first_answer(
    corpus: Path, root: Path, log: Callable[[str], None], wait_dense: bool = False
) -> dict[str, Any]:
    """Seconds from a cold data folder to the first answer (and to the dense index, with `wait_dense`)."""
    import httpx

    data = root / "cold-start"
    env = _env(data)
    started = time.perf_counter()
    ingest = subprocess.Popen(_cli("ingest", "--dense-later", "--from", str(corpus)), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    _, status, usage = os.wait4(ingest.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("`deelwijzer ingest --dense-later` failed: run it by hand to see why")
    ingest_s = time.perf_counter() - started
    port = _free_port()
    server = subprocess.Popen(_cli("serve", "--host", "127.0.0.1", "--port", str(port)), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        answer = _first_ok(base, server)
        first_s = time.perf_counter() - started
        health = httpx.get(f"{base}/healthz", timeout=10).json()
        log(f"first answer from a cold data folder: {first_s:.1f} s (lexical ingest {ingest_s:.1f} s)")
        result: dict[str, Any] = {
            "first_answer_s": round(first_s, 1), "lexical_ingest_s": round(ingest_s, 1),
            "lexical_ingest_cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
            "retrieval": answer.get("retrieval"), "citations": len(answer.get("citations", [])),
            "dense_at_first_answer": health.get("dense_index"),
        }  # fmt: skip
        if wait_dense:
            result["dense_ready_s"] = round(_dense_ready(base, server) - started, 1)
            from kb.dense_build import read_progress

            done = read_progress(data / "kb")
            if done is not None:
                result["dense_completion"] = {"seconds": done.seconds, "cpu_seconds": done.cpu_seconds,
                                              "passages": done.total}  # fmt: skip
            log(f"dense index in service after {result['dense_ready_s']} s: {result.get('dense_completion')}")
        return result
    finally:
        server.terminate()
        server.wait(timeout=60)


def _first_ok(base: str, server: subprocess.Popen[bytes], timeout: float = 600) -> dict[str, Any]:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"`deelwijzer serve` exited with code {server.returncode} before it answered")
        try:
            reply = httpx.post(f"{base}/api/ask", json={"question": QUESTION}, timeout=120)
            if reply.status_code == 200:
                found: dict[str, Any] = reply.json()
                return found
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer within {timeout:.0f} s")


def _dense_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 1800) -> float:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        dense = httpx.get(f"{base}/healthz", timeout=10).json().get("dense_index") or {}
        if dense.get("state") == "ready":
            return time.perf_counter()
        if dense.get("state") == "failed":
            raise RuntimeError(f"dense index failed: {dense.get('message')}")
        time.sleep(1)
    raise RuntimeError("the dense index was not completed")
