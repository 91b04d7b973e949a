"""Server mode: vectors on a real `chroma run` server on loopback; manifest, passages, BM25 stay on disk."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from store_fakes import HashEmbedder, avg_nl, build, make_documents, store_settings

from kb.builds import BUILDS_DIR
from kb.errors import KbError
from kb.knowledge_base import Filters
from kb.settings import Settings
from kb.vector_store import close_client, server_client

pytestmark = pytest.mark.server

TODAY = "2026-11-23"
CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture()
def chroma_port(tmp_path: Path) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    command = [
        str(CHROMA),
        "run",
        "--path",
        str(tmp_path / "server"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        wait_for_heartbeat(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for_heartbeat(port: int, server: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"`chroma run` exited with code {server.returncode} before answering")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"`chroma run` on port {port} gave no heartbeat within {timeout} s")


def server_settings(tmp_path: Path, port: int) -> Settings:
    return store_settings(tmp_path / "data", mode="server", chroma_host="127.0.0.1", chroma_port=port)


def collections(settings: Settings) -> list[str]:
    client = server_client(settings)
    try:
        return sorted(c.name for c in client.list_collections())
    finally:
        close_client(client)


def test_build_and_query_through_the_server(tmp_path: Path, chroma_port: int) -> None:
    from kb.local_kb import open_knowledge_base

    settings = server_settings(tmp_path, chroma_port)
    result = build(settings, make_documents(), today=TODAY)
    build_dir = settings.kb_dir / BUILDS_DIR / result.manifest.build_id
    assert {p.name for p in build_dir.iterdir()} == {"manifest.json", "passages.jsonl", "bm25"}
    assert collections(settings) == [f"deelwijzer-{result.manifest.build_id}"]

    first, second = (
        open_knowledge_base(settings, HashEmbedder()),
        open_knowledge_base(settings, HashEmbedder()),
    )
    try:
        query = "politiegegevens samenwerkingsverband zwaarwegend belang"
        dense = first.dense_search(query, 5)
        assert dense[0][0].key == "Wpg art. 20 lid 1"
        assert [(p.uid, round(s, 5)) for p, s in dense] == [
            (p.uid, round(s, 5)) for p, s in second.dense_search(query, 5)
        ]
        assert first.lexical_search(query, 5) == second.lexical_search(query, 5)
        english = first.dense_search(query, 5, Filters(languages=["en"]))
        assert english and {p.language for p, _ in english} == {"en"}
        assert first.get("AVG art. 6 lid 1 sub a") == second.get("AVG art. 6 lid 1 sub a") is not None
    finally:
        first.close()
        second.close()


def test_server_keeps_two_collections_and_refuses_embedded_reads(tmp_path: Path, chroma_port: int) -> None:
    from kb.local_kb import open_knowledge_base

    settings = server_settings(tmp_path, chroma_port)
    ids = [build(settings, make_documents(), today=TODAY).manifest.build_id]
    for text in ("Tweede tekst.", "Derde tekst."):
        documents = [avg_nl(art9=text), *make_documents()[1:]]
        ids.append(build(settings, documents, today=TODAY).manifest.build_id)
    assert collections(settings) == sorted(f"deelwijzer-{build_id}" for build_id in ids[1:])
    kb = open_knowledge_base(settings, HashEmbedder())
    try:
        art9 = kb.get("AVG art. 9 lid 1")
        assert art9 is not None and art9.text == "Derde tekst."
        assert kb.dense_search("Derde tekst", 1)[0][0].text == "Derde tekst."
    finally:
        kb.close()
    embedded = store_settings(tmp_path / "data")
    with pytest.raises(KbError, match="keeps its vectors on a chroma server .* set store.mode = 'server'"):
        open_knowledge_base(embedded, HashEmbedder())


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    settings = server_settings(tmp_path, free_port())
    with pytest.raises(
        KbError, match=r"chroma server at 127\.0\.0\.1:\d+ is unreachable .* `chroma run --path DIR"
    ):
        build(settings, make_documents(), today=TODAY)
