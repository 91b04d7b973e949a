"""The optional LLM: it may only reword the summary of an answer that is already decided and cited.

This is the only module that imports LangChain chat models. Backends (settings.llm.backend):
- "openai": any OpenAI-compatible endpoint (`ChatOpenAI(base_url, api_key, model)`).
- "ollama": Ollama's OpenAI-compatible API at `<base_url>/v1` (default http://127.0.0.1:11434/v1).
- "llamacpp": llama.cpp's `llama-server` (start it with `llama-server -m model.gguf`), whose OpenAI-compatible
  API lives at `<base_url>/v1` (default http://127.0.0.1:8080/v1); `model` is passed on as the model name.
No extra packages: all three go through langchain-openai.

The model works on the draft (bot/compose.py), before bot/finalize.py verifies and settles it, so an answer
with an LLM passes the same checks as one without. The verdict never changes. A summary that contradicts it is
discarded; a citation the model adds is dropped there (and counted) unless its key was retrieved and its quote
is verbatim. The prompt is in the answer's language (bot/words).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import SecretStr

from bot.answer import Answer, Citation
from bot.finalize import Draft
from bot.words import verdict_label, words
from kb.passages import Passage
from kb.settings import LlmSettings

log = logging.getLogger(__name__)

DEFAULT_URLS = {"ollama": "http://127.0.0.1:11434", "llamacpp": "http://127.0.0.1:8080"}
MAX_PASSAGES = 8
MAX_PASSAGE_CHARS = 2000
MAX_SUMMARY_CHARS = 1200

def make_chat_model(settings: LlmSettings) -> BaseChatModel | None:
    """The chat model named by the settings, or None for backend 'none'."""
    if settings.backend == "none":
        return None
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=_base_url(settings), api_key=SecretStr(settings.api_key or "not-needed"),
        model=settings.model or "default", timeout=settings.timeout_s, max_retries=1, temperature=0,
    )  # fmt: skip


def _base_url(settings: LlmSettings) -> str | None:
    if settings.backend == "openai":
        return settings.base_url or None
    root = (settings.base_url or DEFAULT_URLS[settings.backend]).rstrip("/")
    return root if root.endswith("/v1") else f"{root}/v1"


def rephrase(draft: Draft, chat_model: BaseChatModel) -> Draft:
    """`draft` with the model's summary (if it agrees with the verdict) and the citations it adds (verified,
    like every citation, by finalize)."""
    answer = draft.answer
    reply = _ask(answer, draft.passages, chat_model)
    if reply is None:
        return draft
    reworded = answer.model_copy(update={"summary": _summary(reply, answer)})
    added = [*draft.added, *_new_citations(reply, answer, draft.passages)]
    return dataclasses.replace(draft, answer=reworded, added=added)


def system_prompt(language: str, verdict: str) -> str:
    """The instructions, in the answer's language, naming the verdict's label in that language."""
    prompt = words("llm", language)["system_prompt"]
    return prompt.format(language=language, label=verdict_label(verdict, language))


def _ask(answer: Answer, passages: Sequence[Passage], chat_model: BaseChatModel) -> dict[str, Any] | None:
    messages = [
        SystemMessage(system_prompt(answer.language, answer.verdict)),
        HumanMessage(build_prompt(answer, passages)),
    ]
    try:
        content = chat_model.invoke(messages).content
    except Exception as error:  # the LLM is optional: any backend failure keeps the composed answer
        log.warning("llm call failed (%s); keeping the composed answer", type(error).__name__)
        return None
    return parse_reply(content if isinstance(content, str) else json.dumps(content))


def build_prompt(answer: Answer, passages: Sequence[Passage]) -> str:
    """The decided answer and the passages it may draw on, as JSON."""
    decided = answer.model_dump(include={"verdict", "summary", "conditions", "steps", "clarifying_questions"})
    shown = [{"key": p.key, "text": p.text[:MAX_PASSAGE_CHARS]} for p in passages[:MAX_PASSAGES]]
    return json.dumps({"advies": decided, "passages": shown}, ensure_ascii=False, indent=1)


def parse_reply(content: str) -> dict[str, Any] | None:
    """The JSON object in the model's reply (code fences allowed), or None when there is none."""
    match = re.search(r"\{.*\}", content, re.DOTALL)
    if not match:
        log.warning("llm reply holds no JSON object; keeping the composed answer")
        return None
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError:
        log.warning("llm reply is not valid JSON; keeping the composed answer")
        return None
    return data if isinstance(data, dict) else None


def _summary(reply: dict[str, Any], answer: Answer) -> str:
    summary = reply.get("summary")
    if not isinstance(summary, str) or not summary.strip() or len(summary) > MAX_SUMMARY_CHARS:
        return answer.summary
    if contradicts(summary, answer.verdict):
        log.warning("llm summary contradicts verdict %s; discarded", answer.verdict)
        return answer.summary
    return " ".join(summary.split())


def _new_citations(reply: dict[str, Any], answer: Answer, passages: Sequence[Passage]) -> list[Citation]:
    known = {(c.key, c.quote) for c in answer.citations}
    by_key = {p.key.casefold(): p for p in passages}
    found: list[Citation] = []
    for item in reply.get("citations") or []:
        if not isinstance(item, dict):
            continue
        key, quote = str(item.get("key", "")), str(item.get("quote", ""))
        if (key, quote) not in known:
            found.append(_citation(key, quote, by_key.get(key.casefold())))
    return found


def _citation(key: str, quote: str, passage: Passage | None) -> Citation:
    if passage is None:
        return Citation(key=key, quote=quote, source_version="", url="", source_type="")
    return Citation(
        key=key,
        quote=quote,
        source_version=passage.version_date,
        url=passage.url,
        source_type=passage.doc_type,
    )


_OPENS_YES = re.compile(r"^\W*(ja|yes)\b", re.IGNORECASE)
_OPENS_NO = re.compile(r"^\W*(nee|neen|no)\b", re.IGNORECASE)
_OPENS_OPEN = re.compile(
    r"^\W*(hangt af|dat hangt|het hangt|it depends|buiten bereik|out of scope)\b", re.IGNORECASE
)
_PERMITS = re.compile(r"\b(mag|mogen|toegestaan|is toegestaan|may|allowed|permitted)\b", re.IGNORECASE)
_NEGATES = re.compile(r"\b(niet|geen|nooit|not|no|never|cannot|verboden)\b", re.IGNORECASE)
_FORBIDS = re.compile(
    r"\b(mag niet|mogen niet|niet toegestaan|niet mag|verboden|may not|must not|not allowed|not permitted)\b",
    re.IGNORECASE,
)


def contradicts(summary: str, verdict: str) -> bool:
    """True when the first sentence of `summary` says something else than `verdict`."""
    first = re.split(r"(?<=[.!?])\s", summary.strip(), maxsplit=1)[0]
    if verdict == "mag_niet":
        permits = _PERMITS.search(first) and not _NEGATES.search(first)
        return bool(_OPENS_YES.match(first) or _OPENS_OPEN.match(first) or permits)
    if verdict in ("mag", "mag_mits"):
        return bool(_OPENS_NO.match(first) or _OPENS_OPEN.match(first) or _FORBIDS.search(first))
    return bool(_OPENS_YES.match(first) or _OPENS_NO.match(first))
