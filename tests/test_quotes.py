"""Quotes are verbatim slices of the stored text: the sub-item for a sub key, else the relevant sentences."""

from __future__ import annotations

from bot.quotes import best_sentences, choose_quote, sentence_spans, stems
from kb.passages import Passage

# Invented text in the style of a Dutch article (not copied from the corpus).
LID = (
    "De verantwoordelijke kan, voor zover dit noodzakelijk is voor een zwaarwegend algemeen belang, "
    "besluiten tot het verstrekken van gegevens aan een samenwerkingsverband voor de volgende doeleinden: "
    "a. het voorkomen van strafbare feiten; b. het handhaven van de openbare orde; "
    "c. het verlenen van hulp aan hen die deze behoeven."
)
LONG = (
    "Dit artikel geldt o.a. voor de gemeente. De burgemeester legt elk besluit schriftelijk vast. "
    "Het besluit vermeldt het doel van de verstrekking, de ontvanger en de termijn waarbinnen de gegevens "
    "worden verwijderd. Bezwaar staat open bij de rechtbank."
)


def passage(text: str, subs: dict[str, str] | None = None, key: str = "Testwet art. 20 lid 1") -> Passage:
    return Passage(
        key=key, source_id="testwet", citation_name="Testwet", language="nl", version_date="2025-07-01",
        text=text, article="20", lid="1", subs=subs or {},
    )  # fmt: skip


def test_sub_key_quotes_the_sub_item() -> None:
    sub_c = "het verlenen van hulp aan hen die deze behoeven."
    stored = passage(LID, {"c": sub_c})
    assert choose_quote(stored, "Testwet art. 20 lid 1 sub c", "hulp") == sub_c
    assert choose_quote(stored, "Testwet art. 20 lid 1 sub C.", "") == sub_c


def test_unknown_sub_falls_back_to_the_relevant_sentence() -> None:
    quote = choose_quote(passage(LID), "Testwet art. 20 lid 1 sub z", "openbare orde handhaven")
    assert quote in LID
    assert "openbare orde" in quote


def test_list_labels_stay_with_their_item() -> None:
    sentences = [LID[start:end] for start, end in sentence_spans(LID)]
    assert sentences[1] == "a. het voorkomen van strafbare feiten;"
    assert sentences[-1] == "c. het verlenen van hulp aan hen die deze behoeven."


def test_abbreviations_do_not_end_a_sentence() -> None:
    sentences = [LONG[start:end] for start, end in sentence_spans(LONG)]
    assert sentences[0] == "Dit artikel geldt o.a. voor de gemeente."
    assert len(sentences) == 4


def test_quote_is_the_sentence_sharing_most_words() -> None:
    quote = best_sentences(LONG, "Wat moet het besluit over de termijn en de ontvanger vermelden?")
    assert quote.startswith("Het besluit vermeldt het doel van de verstrekking")
    assert quote in LONG
    assert "o.a." not in quote


def test_quote_never_exceeds_the_limit_and_ends_on_a_boundary() -> None:
    quote = best_sentences(LONG, "besluit ontvanger termijn", max_chars=100)
    assert len(quote) <= 100
    assert quote in LONG
    assert quote.endswith((".", ",", ";", ":")) or LONG[LONG.index(quote) + len(quote)] == " "


def test_a_single_overlong_sentence_is_cut_on_a_clause_boundary() -> None:
    quote = choose_quote(passage(LID), "Testwet art. 20 lid 1", "zwaarwegend algemeen belang", max_chars=120)
    assert (
        quote
        == "De verantwoordelijke kan, voor zover dit noodzakelijk is voor een zwaarwegend algemeen belang,"
    )


def test_stems_drop_stopwords_and_join_word_forms() -> None:
    assert stems("Mag ik de gegevens verstrekken?") == {"gegeve", "verstr"}
    assert stems("verstrekking") == stems("verstrekken")


LINES = (
    "De verwerking is alleen toegestaan als aan een van deze voorwaarden is voldaan:\n"
    "a) de betrokkene heeft toestemming gegeven\n"
    "b) de verwerking is nodig voor een wettelijke taak\n"
    "Punt b geldt niet voor bedrijven."
)


def test_each_line_is_a_sentence_and_line_items_keep_their_label() -> None:
    sentences = [LINES[start:end] for start, end in sentence_spans(LINES)]
    assert sentences[1:] == [
        "a) de betrokkene heeft toestemming gegeven",
        "b) de verwerking is nodig voor een wettelijke taak",
        "Punt b geldt niet voor bedrijven.",
    ]


def test_line_quote_is_verbatim_with_its_newline() -> None:
    quote = choose_quote(passage(LINES), "Testwet art. 20 lid 1", "wettelijke taak", max_chars=200)
    assert quote in LINES
    assert "b) de verwerking is nodig voor een wettelijke taak" in quote
