"""Feedback store: real SQLite on a tmp dir; identifiers never reach the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

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


def test_unanswered_questions_are_counted_by_normalised_scrubbed_text(store: FeedbackStore) -> None:
    store.count_unanswered(f"Mag ik BSN {BSN} delen met de buurman?", "buiten_bereik")
    store.count_unanswered("mag ik bsn 123456782   delen met de BUURMAN?", "buiten_bereik")
    store.count_unanswered("Mag ik dit delen met het COA?", "hangt_af")
    store.count_unanswered("Mag ik dit delen met de politie?", "mag_mits")  # answered: not counted
    top = store.top_unanswered()
    assert [(q.question, q.verdict, q.count) for q in top] == [
        ("mag ik bsn [bsn] delen met de buurman?", "buiten_bereik", 2),
        ("mag ik dit delen met het coa?", "hangt_af", 1),
    ]
    assert BSN.encode() not in _file_bytes(store.path.parent)
    assert b"politie" not in _file_bytes(store.path.parent)
