"""`deelwijzer ingest` and `deelwijzer kb` end to end: real files, model, chromadb and processes.

The small tests use a slice of the shared corpus copied into tmp at test time (never into the repo); the
`slow` ones read the knowledge base of the whole corpus built once per session (`full_kb_settings`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.settings import Settings

REGELRECHT = "nl-regelrecht-corpus/regulation/nl"
SLICE = [
    f"{REGELRECHT}/amvb/besluit_verplichte_meldcode_huiselijk_geweld_en_kindermishandeling/2020-10-01.yaml",
    f"{REGELRECHT}/wet/uitvoeringswet_algemene_verordening_gegevensbescherming/2026-09-01.yaml",
]


def run_cli(settings: Settings, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deelwijzer", *args],
        env=_env(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ, DEELWIJZER_DATA_DIR=str(settings.data_dir), HF_HUB_OFFLINE="1", COLUMNS="200")
    env["DEELWIJZER_MODELS_FOLDER"] = str(settings.models_dir)
    env["DEELWIJZER_CACHE_FOLDER"] = str(settings.cache_dir)
    env.pop("DEELWIJZER_CORPUS_DIR", None)
    return env


@pytest.fixture()
def corpus_slice(tmp_path: Path, corpus_dir: Path) -> Path:
    root = tmp_path / "corpus"
    for relative in SLICE:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / relative, root / relative)
    return root


@pytest.fixture()
def slice_settings(tmp_path: Path, test_cache_dir: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        models_folder=test_cache_dir / "models",
        cache_folder=test_cache_dir / "cache",
    )


def show(settings: Settings, key: str) -> str:
    result = run_cli(settings, "kb", "show", key, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    return " ".join(p["text"] for p in data) if isinstance(data, list) else str(data["text"])


@pytest.mark.model
def test_second_ingest_changes_nothing_and_an_edit_changes_one_source(
    corpus_slice: Path, slice_settings: Settings
) -> None:
    first = run_cli(slice_settings, "ingest", "--from", str(corpus_slice))
    assert first.returncode == 0, first.stderr
    assert "uavg (added)" in first.stdout and "besluit-meldcode (added)" in first.stdout
    again = run_cli(slice_settings, "ingest", "--from", str(corpus_slice))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "0 changed"
    assert "knowledge base unchanged" in again.stderr
    meldcode = corpus_slice / SLICE[0]
    meldcode.write_text(
        meldcode.read_text(encoding="utf-8").replace("een stappenplan", "een gewijzigd stappenplan"),
        encoding="utf-8",
    )
    edited = run_cli(slice_settings, "ingest", "--from", str(corpus_slice))
    assert edited.returncode == 0, edited.stderr
    assert edited.stdout.strip() == "1 changed: besluit-meldcode (changed)"
    assert "een gewijzigd stappenplan" in show(slice_settings, "Besluit meldcode art. 2 lid 1 sub a")


@pytest.mark.model
def test_bad_file_is_refused_by_name_and_nothing_changes(
    corpus_slice: Path, slice_settings: Settings, tmp_path: Path
) -> None:
    assert run_cli(slice_settings, "ingest", "--from", str(corpus_slice)).returncode == 0
    before = (slice_settings.kb_dir / "CURRENT").read_text()
    broken = tmp_path / "kapot.xml"
    broken.write_text("<toestand bwb-id='BWBR0000001'><wetgeving>", encoding="utf-8")
    result = run_cli(slice_settings, "ingest", str(broken))
    assert result.returncode == 2
    assert "kapot.xml" in result.stderr and "Nothing was changed" in result.stderr
    assert (slice_settings.kb_dir / "CURRENT").read_text() == before
    unknown = tmp_path / "notities.docx"
    unknown.write_bytes(b"PK\x03\x04 not really a document")
    result = run_cli(slice_settings, "ingest", str(unknown))
    assert result.returncode == 2 and "unknown file type" in result.stderr


@pytest.mark.model
def test_sigkill_mid_ingest_leaves_the_old_knowledge_base_answering(
    corpus_slice: Path, slice_settings: Settings, tmp_path: Path, corpus_dir: Path
) -> None:
    assert run_cli(slice_settings, "ingest", "--from", str(corpus_slice)).returncode == 0
    old_text = show(slice_settings, "UAVG art. 46 lid 1")
    # a bigger text with an empty embedding cache, so the build is still embedding when it is killed
    wjsg = f"{REGELRECHT}/wet/wet_justitiele_en_strafvorderlijke_gegevens/2026-09-01.yaml"
    (corpus_slice / wjsg).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(corpus_dir / wjsg, corpus_slice / wjsg)
    cold = slice_settings.model_copy(update={"cache_folder": tmp_path / "cold-cache"})
    process = subprocess.Popen(
        [sys.executable, "-m", "deelwijzer", "ingest", "--from", str(corpus_slice)],
        env=_env(cold),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_tmp_build(slice_settings, process)
    time.sleep(2)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert show(slice_settings, "UAVG art. 46 lid 1") == old_text
    assert run_cli(slice_settings, "kb", "show", "Wjsg art. 39f").returncode == 1  # not in the old build
    assert run_cli(cold, "ingest", "--from", str(corpus_slice)).returncode == 0
    assert "slachtoffer" in show(slice_settings, "Wjsg art. 39f lid 1 sub f")


def _wait_for_tmp_build(settings: Settings, process: subprocess.Popen[bytes]) -> None:
    builds = settings.kb_dir / "builds"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the ingest finished before it could be killed")
        if any(p.name.startswith(".tmp-") for p in builds.iterdir()):
            return
        time.sleep(0.2)
    pytest.fail("no build started within 300 s")


@pytest.mark.slow
def test_whole_corpus_counts_and_exact_wording(full_kb_settings: Settings) -> None:
    from kb.local_kb import open_knowledge_base

    kb = open_knowledge_base(full_kb_settings, None)
    for language in ("nl", "en"):
        current = [p for p in kb.passages() if p.source_id == "avg" and p.language == language]
        assert len({p.article for p in current if p.article}) == 99
        assert len({p.recital for p in current if p.recital}) == 173
    lid = kb.get("AVG art. 6 lid 1")
    assert lid is not None and sorted(lid.subs) == ["a", "b", "c", "d", "e", "f"]
    assert "overheidsinstanties in het kader van de uitoefening van hun taken" in lid.text
    assert lid.version_date == "2018-05-23"
    recital = kb.get("AVG overweging 43")
    assert recital is not None and "duidelijke wanverhouding tussen de betrokkene" in recital.text
    assert "overheidsinstantie" in recital.text


@pytest.mark.slow
@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("AVG art. 6 lid 1", "noodzakelijk voor de vervulling van een taak van algemeen belang"),
        ("AVG overweging 43", "toestemming"),
        ("UAVG art. 46", "ter identificatie van een persoon bij wet is voorgeschreven"),
        ("Wpg art. 20 lid 3", "samenwerkingsverband"),
        (
            "Besluit politiegegevens art. 4:2 lid 1",
            "de stichting Comensha, voor wat betreft gegevens over slachtoffers",
        ),
        ("WGS art. 2.16", "Regionale Informatie- en Expertisecentra"),
        ("Besluit meldcode art. 2", "stappenplan"),
        ("Jeugdwet art. 7.3.11 lid 4", "gecertificeerde instelling"),
        ("Wet BIG art. 88", "geheim"),
    ],
)
def test_kb_show_resolves_the_official_wording(full_kb_settings: Settings, key: str, words: str) -> None:
    assert words in show(full_kb_settings, key)


def _offline(settings: Settings) -> dict[str, str]:
    """Official sources pointed at a closed loopback port: what a machine without internet sees."""
    closed = "http://127.0.0.1:9"
    env = _env(settings)
    env.update(
        DEELWIJZER_INGEST__BWB_SRU_URL=f"{closed}/sru/Search",
        DEELWIJZER_INGEST__BWB_REPOSITORY_URL=f"{closed}/bwb",
        DEELWIJZER_INGEST__CELLAR_URL=f"{closed}/celex",
        DEELWIJZER_INGEST__HTTP_TIMEOUT_S="5",
    )
    return env


def _run_offline(settings: Settings) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deelwijzer", "ingest"],
        env=_offline(settings),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_offline_without_corpus_says_how_to_fix_it(slice_settings: Settings) -> None:
    result = _run_offline(slice_settings)
    assert result.returncode == 4
    assert "127.0.0.1:9" in result.stderr and "DEELWIJZER_CORPUS_DIR" in result.stderr
    assert not (slice_settings.kb_dir / "CURRENT").exists()


@pytest.mark.model
def test_offline_with_a_knowledge_base_keeps_serving_it(corpus_slice: Path, slice_settings: Settings) -> None:
    assert run_cli(slice_settings, "ingest", "--from", str(corpus_slice)).returncode == 0
    before = (slice_settings.kb_dir / "CURRENT").read_text()
    result = _run_offline(slice_settings)
    assert result.returncode == 0, result.stderr
    assert "Kept the knowledge base in service" in result.stderr
    assert (slice_settings.kb_dir / "CURRENT").read_text() == before
