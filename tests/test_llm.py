"""The optional LLM may only reword the summary of a draft; finalize removes and counts fabricated citations.

The chat model is langchain_core's GenericFakeChatModel with scripted replies (the named LLM boundary).
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_openai import ChatOpenAI

from bot.answer import Answer, Citation, Facts
from bot.finalize import Draft, finalize
from bot.llm import contradicts, make_chat_model, parse_reply, rephrase
from bot.render import render_markdown
from bot.words import words
from kb.passages import Passage
from kb.settings import LlmSettings

# Invented text in the style of an article (not copied from the corpus).
TEXT = (
    "Verwerking van gegevens over gezondheid is verboden. "
    "Het verbod geldt niet bij uitdrukkelijke toestemming."
)
STORED = Passage(
    key="AVG art. 9 lid 1", source_id="avg", citation_name="AVG", language="nl", version_date="2018-05-23",
    text=TEXT, doc_type="verordening", url="https://example.org/avg9",
)  # fmt: skip


def answer(
    verdict: str = "mag_niet",
    summary: str = "Nee, gezondheidsgegevens mag u zo niet delen.",
    language: str = "nl",
) -> Answer:
    citation = Citation(key="AVG art. 9 lid 1", quote="Verwerking van gegevens over gezondheid is verboden.",
                        source_version="2018-05-23")  # fmt: skip
    return Answer(verdict=verdict, summary=summary, citations=[citation], facts=Facts(language=language),  # type: ignore[arg-type]
                  language=language)  # fmt: skip


def draft(**fields: str) -> Draft:
    return Draft(answer(**fields), [STORED])


def finished(model: GenericFakeChatModel, **fields: str) -> Answer:
    """The answer as every path finishes it: draft, rephrase, finalize."""
    return finalize(rephrase(draft(**fields), model))


def scripted(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=reply) for reply in replies]))


def reply(summary: str, citations: list[dict[str, str]] | None = None) -> str:
    return "```json\n" + json.dumps({"summary": summary, "citations": citations or []}) + "\n```"


def test_consistent_summary_replaces_the_composed_one_and_verdict_stays() -> None:
    new = "Nee. Gezondheidsgegevens zijn bijzondere gegevens; zonder uitzondering deelt u ze niet."
    result = finished(scripted(reply(new)))
    assert result.summary == new
    assert result.verdict == "mag_niet"
    assert result.citations == answer().citations


def test_summary_contradicting_the_verdict_is_discarded(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.llm"):
        result = finished(scripted(reply("Ja, dat mag gewoon.")))
    assert result.summary == "Nee, gezondheidsgegevens mag u zo niet delen."
    assert result.verdict == "mag_niet"
    assert "contradicts verdict mag_niet" in caplog.text


def test_fabricated_key_and_quote_are_removed_and_counted() -> None:
    fabricated = [
        {"key": "AVG art. 99 lid 7", "quote": "Delen mag altijd."},
        {"key": "AVG art. 9 lid 1", "quote": "Het verbod geldt nooit."},
        {"key": "AVG art. 9 lid 1", "quote": "Het verbod geldt niet bij uitdrukkelijke toestemming."},
    ]
    result = finished(scripted(reply("Nee, niet zonder uitzondering.", fabricated)))
    assert [c.quote for c in result.citations] == [
        "Verwerking van gegevens over gezondheid is verboden.",
        "Het verbod geldt niet bij uitdrukkelijke toestemming.",
    ]
    assert result.citations[1].source_version == "2018-05-23"
    assert result.removed_citations == 2


def test_unusable_reply_keeps_the_composed_answer() -> None:
    original = draft()
    assert rephrase(original, scripted("Ik weet het niet.")) == original
    assert rephrase(original, scripted("{niet: json}")) == original
    assert finalize(original) == finalize(rephrase(original, scripted("{niet: json}")))


def recording(model: GenericFakeChatModel) -> list[str]:
    """The messages the model is sent, recorded as they go."""
    seen: list[str] = []
    original_invoke = model.invoke

    def recording_invoke(messages, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.extend(str(message.content) for message in messages)
        return original_invoke(messages, *args, **kwargs)

    object.__setattr__(model, "invoke", recording_invoke)
    return seen


def test_prompt_carries_the_verdict_and_the_passages() -> None:
    model = scripted(reply("Nee, niet zonder uitzondering."))
    seen = recording(model)
    rephrase(draft(), model)
    assert '"Nee"' in seen[0]
    assert '"verdict": "mag_niet"' in seen[1]
    assert '"key": "AVG art. 9 lid 1"' in seen[1]


DUTCH_LABELS = [label for label in words("verdicts", "nl").values()]


def has_dutch_label(text: str) -> bool:
    return any(re.search(rf"\b{re.escape(label)}\b", text) for label in DUTCH_LABELS)


@pytest.mark.parametrize("verdict", ["mag", "mag_mits", "mag_niet", "hangt_af"])
def test_an_english_answer_with_an_llm_holds_no_dutch_verdict_label(verdict: str) -> None:
    english = words("verdicts", "en")[verdict]
    model = scripted(reply(f"{english}. Health data are special category data; read the provision below."))
    seen = recording(model)
    result = finished(model, verdict=verdict, summary=f"{english}: see the conditions.", language="en")
    assert f'("{english}")' in seen[0] and "You rephrase" in seen[0]
    assert not has_dutch_label(seen[0])
    verdict_line = render_markdown(result).splitlines()[0]
    assert verdict_line.startswith(f"**Conclusion: {english}** — {english}.")
    assert not has_dutch_label(verdict_line)


@pytest.mark.parametrize(
    ("summary", "verdict", "expected"),
    [
        ("Ja, dat mag.", "mag_niet", True),
        ("U mag dit delen met de politie.", "mag_niet", True),
        ("Nee, dat mag niet zonder grondslag.", "mag_niet", False),
        ("Nee, dat mag niet.", "mag_mits", True),
        ("Ja, mits u het doel vastlegt.", "mag_mits", False),
        ("Dit is niet toegestaan.", "mag", True),
        ("Ja. Het hangt er niet van af.", "hangt_af", True),
        ("Dat hangt af van de grondslag.", "hangt_af", False),
        ("No, you may not share this.", "mag_niet", False),
        ("Hangt af: dat mag alleen met een besluit.", "mag_mits", True),
        ("Het hangt ervan af.", "mag_niet", True),
        ("Yes, you may share it.", "mag_niet", True),
    ],
)
def test_contradiction_check(summary: str, verdict: str, expected: bool) -> None:
    assert contradicts(summary, verdict) is expected


def test_parse_reply_reads_fenced_json() -> None:
    assert parse_reply('Hier:\n```json\n{"summary": "Nee."}\n```') == {"summary": "Nee."}
    assert parse_reply("geen json") is None


@pytest.mark.parametrize(
    ("backend", "base_url", "expected"),
    [
        ("openai", "http://127.0.0.1:9000/v1", "http://127.0.0.1:9000/v1"),
        ("ollama", "", "http://127.0.0.1:11434/v1"),
        ("llamacpp", "http://127.0.0.1:8081", "http://127.0.0.1:8081/v1"),
    ],
)
def test_backends_are_openai_compatible_clients(backend: str, base_url: str, expected: str) -> None:
    settings = LlmSettings(backend=backend, model="qwen", base_url=base_url)  # type: ignore[arg-type]
    model = make_chat_model(settings)
    assert isinstance(model, ChatOpenAI)
    assert model.openai_api_base == expected
    assert model.model_name == "qwen"


def test_backend_none_has_no_model() -> None:
    assert make_chat_model(LlmSettings()) is None
