"""Feedback store: real SQLite on a tmp dir; identifiers never reach the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.answer import Facts
from bot.feedback import FeedbackIn, FeedbackStore

BSN = "111222333"


@pytest.fixture()
def store(tmp_path: Path) -> FeedbackStore:
    return FeedbackStore(tmp_path / "data" / "feedback.sqlite3")


def _file_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())


def test_feedback_is_stored_scrubbed(store: FeedbackStore) -> None:
    entry = store.add(
        FeedbackIn(
            rating="down",
            reason="bron_ontbreekt",
            comment=f"Cliënt met BSN {BSN}, bel 06-12345678",
            question=f"Mag ik het BSN {BSN} aan de gemeente geven?",
            verdict="mag_mits",
            keys=["AVG art. 6 lid 1 sub e", "UAVG art. 46"],
        )
    )
    assert entry.question == "Mag ik het BSN [BSN] aan de gemeente geven?"
    assert entry.comment == "Cliënt met BSN [BSN], bel [telefoonnummer]"
    [stored] = store.entries()
    assert stored.keys == ["AVG art. 6 lid 1 sub e", "UAVG art. 46"]
    assert stored.reason == "bron_ontbreekt"
    raw = _file_bytes(store.path.parent)
    assert BSN.encode() not in raw
    assert b"06-12345678" not in raw
    assert b"[BSN]" in raw


def test_long_question_is_truncated(store: FeedbackStore) -> None:
    entry = store.add(FeedbackIn(rating="up", question="woord " * 400))
    assert len(entry.question) == 500


def test_entries_filter_newest_first(store: FeedbackStore) -> None:
    store.add(FeedbackIn(rating="up", verdict="mag"))
    store.add(FeedbackIn(rating="down", reason="onjuist", verdict="mag_niet"))
    store.add(FeedbackIn(rating="down", reason="te_ruim", verdict="mag"))
    assert [e.reason for e in store.entries(rating="down")] == ["te_ruim", "onjuist"]
    assert [e.rating for e in store.entries(verdict="mag")] == ["down", "up"]
    assert [e.verdict for e in store.entries(rating="down", reason="onjuist")] == ["mag_niet"]
    assert store.entries(reason="onduidelijk") == []


def test_unknown_reason_is_refused() -> None:
    with pytest.raises(ValidationError, match="onjuist"):
        FeedbackIn(rating="down", reason="boos")  # type: ignore[arg-type]


def test_unanswered_answers_are_counted_by_their_facts_not_their_text(store: FeedbackStore) -> None:
    coa = Facts(sender="hulpverlener", recipient="coa", data=["gezondheid"], minor=True)
    store.count_unanswered(coa, "hangt_af")
    store.count_unanswered(coa, "hangt_af")
    store.count_unanswered(Facts(), "buiten_bereik")
    store.count_unanswered(Facts(recipient="politie"), "mag_mits")  # settled: not counted
    top = store.top_unanswered()
    assert [(p.verdict, p.sender, p.recipient, p.data, p.minor, p.gaps, p.count) for p in top] == [
        ("hangt_af", "hulpverlener", "coa", "gezondheid", "ja", ["purpose"], 2),
        ("buiten_bereik", "", "", "", "", ["sender", "recipient", "data", "purpose"], 1),
    ]
    assert b"politie" not in _file_bytes(store.path.parent)


def test_a_fact_that_is_not_a_vocabulary_id_is_not_kept(store: FeedbackStore) -> None:
    store.count_unanswered(Facts(sender="Jan Jansen 0612345678", recipient="gemeente"), "hangt_af")
    [pattern] = store.top_unanswered()
    assert (pattern.sender, pattern.recipient) == ("?", "gemeente")
    assert b"Jansen" not in _file_bytes(store.path.parent)
