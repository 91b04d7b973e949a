"""Shared test fixtures. Tests never reach the network: any connection off loopback fails loudly."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_fakes import ScriptedEngine

from kb.local_kb import LocalKnowledgeBase
from kb.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DEELWIJZER_SHARED_DIR", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if isinstance(address, tuple) and address:
        host = address[0]
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False
    return False


def _guarded_connect(self: socket.socket, address: object) -> object:
    if not _is_local(address):
        raise RuntimeError(f"test tried to reach the network: {address!r} (tests use loopback only)")
    return _real_connect(self, address)  # type: ignore[arg-type]


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if not _is_local(address):
        raise RuntimeError(f"test tried to reach the network: {address!r} (tests use loopback only)")
    return _real_connect_ex(self, address)  # type: ignore[arg-type]


socket.socket.connect = _guarded_connect  # type: ignore[method-assign,assignment]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign,assignment]
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"shared corpus not found at {CORPUS}: check out the project beside ../shared")
    return CORPUS


@pytest.fixture(scope="session")
def test_cache_dir() -> Path:
    """Survives between local runs (gitignored): the converted model and the embedding cache live here."""
    path = Path(os.environ.get("DEELWIJZER_TEST_CACHE", REPO / ".cache" / "test"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture()
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point DEELWIJZER_DATA_DIR at a fresh tmp dir and rebuild the cached settings."""
    from kb.settings import get_settings

    monkeypatch.setenv("DEELWIJZER_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def full_kb_settings(
    tmp_path_factory: pytest.TempPathFactory, test_cache_dir: Path, corpus_dir: Path
) -> Settings:
    """A knowledge base of the WHOLE shared corpus, built once per test session with the real readers, the
    real e5 model and a real chromadb. The model and the embedding cache persist in `test_cache_dir`, so a
    second local run re-embeds nothing; CI pays the cold embedding once."""
    from ingest.pipeline import ingest_folder
    from kb.embedders import make_embedder

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("full-kb"),
        models_folder=test_cache_dir / "models",
        cache_folder=test_cache_dir / "cache",
        corpus_dir=corpus_dir,
    )
    ingest_folder(settings, make_embedder(settings), corpus_dir)
    return settings


@pytest.fixture(scope="module")
def api_kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Iterator[LocalKnowledgeBase]:
    """A real knowledge base of a corpus slice (UAVG, Jeugdwet) for the HTTP, OpenAI and browser tests."""
    from api_fakes import JEUGDWET_XML, JEUGDWET_YAML, UAVG_XML, build_slice

    store = build_slice(tmp_path_factory.mktemp("kb"), corpus_dir, [UAVG_XML, JEUGDWET_XML, JEUGDWET_YAML])
    yield store
    store.close()


@pytest.fixture()
def scripted_engine(api_kb: LocalKnowledgeBase) -> ScriptedEngine:
    """The named boundary of the service tests: answers are scripted, passages come from `api_kb`."""
    return ScriptedEngine(api_kb)
