"""Formex reader on the real GDPR files (NL and EN): keys, exact texts, points, recitals, versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_checks import assert_well_formed, passages

from ingest.errors import InvalidSourceError, NotASourceFile
from ingest.readers.formex import FormexReader
from kb.passages import Document
from kb.registry import load_registry

GDPR = "eu-gdpr-formex"
CORRECTED = "consolidated-with-corrected-preamble/gdpr-consolidated-with-corrected-preamble-{lang}.xml"
ACTS = [
    CORRECTED.format(lang="nl"),
    CORRECTED.format(lang="en"),
    "consolidated/gdpr-consolidated-nl.xml",
    "consolidated/gdpr-consolidated-en.xml",
    "original/L_2016119NL.01000101.xml",
    "original/L_2016119EN.01000101.xml",
]
NOT_LAW = [
    "original/L_2016119NL.01000101.doc.xml",
    "original/L_2016119EN.01000101.doc.xml",
    "corr-2018-original/L_2018127NL.01000201.xml",
    "corr-2018-original/L_2018127EN.01000201.xml",
    "corr-2018-original/L_2018127NL.01000201.doc.xml",
    "corr-2018-original/L_2018127EN.01000201.doc.xml",
]


@pytest.fixture(scope="module")
def documents(corpus_dir: Path) -> dict[str, Document]:
    registry = load_registry()
    return {name: FormexReader().read(corpus_dir / GDPR / name, registry) for name in ACTS}


@pytest.mark.parametrize("name", ACTS)
def test_every_passage_is_well_formed(documents: dict[str, Document], name: str) -> None:
    assert_well_formed(documents[name])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_corrected_consolidation_has_all_articles_and_recitals(
    documents: dict[str, Document], lang: str
) -> None:
    document = documents[CORRECTED.format(lang=lang)]
    assert {p.article for p in document.passages if p.article} == {str(n) for n in range(1, 100)}
    assert {p.recital for p in document.passages if p.recital} == {str(n) for n in range(1, 174)}
    assert (document.source_id, document.citation_name, document.language) == ("avg", "AVG", lang)
    assert (document.version_date, document.document_id) == ("2018-05-23", f"avg/{lang}/2018-05-23")
    assert document.identifiers == {"celex": "32016R0679", "eli": "http://data.europa.eu/eli/reg/2016/679/oj"}


def test_article_6_paragraph_1_in_dutch(documents: dict[str, Document]) -> None:
    passage = passages(documents[CORRECTED.format(lang="nl")])["AVG art. 6 lid 1"]
    assert passage.text.startswith(
        "De verwerking is alleen rechtmatig indien en voor zover aan ten minste een van"
    )
    assert passage.text.endswith(
        "De eerste alinea, punt f), geldt niet voor de verwerking door overheidsinstanties in het kader van "
        "de uitoefening van hun taken."
    )
    assert list(passage.subs) == ["a", "b", "c", "d", "e", "f"]
    assert passage.subs["e"] == (
        "de verwerking is noodzakelijk voor de vervulling van een taak van algemeen belang of van een "
        "taak in "
        "het kader van de uitoefening van het openbaar gezag dat aan de verwerkingsverantwoordelijke is "
        "opgedragen;"
    )
    assert "\ne) de verwerking is noodzakelijk voor de vervulling" in passage.text
    assert (passage.article, passage.lid, passage.title) == ("6", "1", "Rechtmatigheid van de verwerking")
    assert passage.heading_path == ["Hoofdstuk II Beginselen"]
    assert passage.url == "https://eur-lex.europa.eu/legal-content/NL/TXT/HTML/?uri=CELEX:32016R0679#art_6"
    assert (passage.doc_type, passage.authority, passage.status) == ("verordening", 1, "goed")


def test_article_6_paragraph_1_in_english(documents: dict[str, Document]) -> None:
    passage = passages(documents[CORRECTED.format(lang="en")])["AVG art. 6 lid 1"]
    assert passage.text.endswith(
        "Point (f) of the first subparagraph shall not apply to processing carried out by public authorities "
        "in the performance of their tasks."
    )
    assert passage.subs["f"].startswith(
        "processing is necessary for the purposes of the legitimate interests"
    )
    assert "\n(a) the data subject has given consent" in passage.text
    assert passage.heading_path == ["Chapter II Principles"]
    assert passage.url.endswith("/EN/TXT/HTML/?uri=CELEX:32016R0679#art_6")


def test_recital_43_without_its_number(documents: dict[str, Document]) -> None:
    passage = passages(documents[CORRECTED.format(lang="nl")])["AVG overweging 43"]
    assert passage.text.startswith(
        "Om ervoor te zorgen dat toestemming vrijelijk wordt verleend, mag toestemming geen geldige "
        "rechtsgrond "
        "zijn voor de verwerking van persoonsgegevens"
    )
    assert (passage.recital, passage.article, passage.lid) == ("43", "", "")
    assert passage.url.endswith("#rct_43")
    english = passages(documents[CORRECTED.format(lang="en")])["AVG overweging 43"]
    assert english.text.startswith(
        "In order to ensure that consent is freely given, consent should not provide"
    )


def test_definitions_article_is_one_passage_with_numbered_points(documents: dict[str, Document]) -> None:
    found = passages(documents[CORRECTED.format(lang="nl")])
    assert not [key for key in found if key.startswith("AVG art. 4 lid")]
    article_4 = found["AVG art. 4"]
    assert list(article_4.subs)[:3] == ["1", "2", "3"]
    assert {str(n) for n in range(1, 27)} <= set(article_4.subs)
    assert article_4.subs["1"].startswith("„persoonsgegevens”: alle informatie over een geïdentificeerde")
    assert article_4.subs["16 b"].startswith("met betrekking tot een verwerker die vestigingen")
    assert article_4.text.startswith(
        "Voor de toepassing van deze verordening wordt verstaan onder:\n1) „persoonsgegevens”"
    )
    english = passages(documents[CORRECTED.format(lang="en")])["AVG art. 4"]
    assert english.subs["2"].startswith("‘processing’ means any operation or set of operations")


def test_footnotes_are_dropped_and_fine_amounts_are_grouped(documents: dict[str, Document]) -> None:
    found = passages(documents[CORRECTED.format(lang="nl")])
    assert found["AVG overweging 3"].text.startswith(
        "Richtlijn 95/46/EG van het Europees Parlement en de Raad heeft tot doel de bescherming"
    )
    assert "PB L 281" not in found["AVG overweging 3"].text
    assert "administratieve geldboeten tot 10 000 000 EUR of" in found["AVG art. 83 lid 4"].text


def test_sections_appear_in_the_heading_path(documents: dict[str, Document]) -> None:
    passage = passages(documents[CORRECTED.format(lang="nl")])["AVG art. 43 lid 1"]
    assert passage.heading_path == [
        "Hoofdstuk IV Verwerkingsverantwoordelijke en verwerker",
        "Afdeling 5 Gedragscodes en certificering",
    ]
    assert passage.title == "Certificeringsorganen"


def test_versions_as_published_and_consolidated(documents: dict[str, Document]) -> None:
    original = documents["original/L_2016119NL.01000101.xml"]
    consolidated = documents["consolidated/gdpr-consolidated-nl.xml"]
    assert original.version_date == "2016-05-04"  # OJ L 119 of 4.5.2016, from the descriptor beside it
    assert consolidated.version_date == "2018-05-23"
    assert len({p.recital for p in original.passages if p.recital}) == 173
    assert not [p for p in consolidated.passages if p.recital]  # the consolidation carries no preamble
    assert len({p.article for p in consolidated.passages}) == 99
    corrected = passages(documents[CORRECTED.format(lang="nl")])["AVG art. 3 lid 1"].text
    assert corrected.endswith("ongeacht of de verwerking in de Unie plaatsvindt.")
    assert passages(original)["AVG art. 3 lid 1"].text.endswith("in de Unie al dan niet plaatsvindt.")


@pytest.mark.parametrize("name", NOT_LAW)
def test_descriptors_and_corrigenda_are_not_sources(corpus_dir: Path, name: str) -> None:
    path = corpus_dir / GDPR / name
    reader = FormexReader()
    assert reader.can_read(path, path.read_bytes()[:4096])
    with pytest.raises(NotASourceFile) as raised:
        reader.read(path, load_registry())
    assert str(path) in str(raised.value)
    assert ("descriptor" if name.endswith(".doc.xml") else "corrigendum") in raised.value.reason


def test_sniffing(corpus_dir: Path, tmp_path: Path) -> None:
    reader = FormexReader()
    for name in ACTS:
        path = corpus_dir / GDPR / name
        assert reader.can_read(path, path.read_bytes()[:4096])
    toestand = next((corpus_dir / "nl-bwb-xml").rglob("toestand.xml"))
    assert not reader.can_read(toestand, toestand.read_bytes()[:4096])
    other = tmp_path / "notes.xml"
    other.write_text('<?xml version="1.0"?><DOC><P>no Formex schema here</P></DOC>', encoding="utf-8")
    assert not reader.can_read(other, other.read_bytes())


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<ACT><ENACTING.TERMS><ARTICLE><TI.ART>Artikel 1</TI.ART><ALINEA>&lol3;</ALINEA></ARTICLE>
</ENACTING.TERMS></ACT>
"""


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("<ACT><ENACTING.TERMS><ARTICLE>", "malformed XML"),
        (BILLION_LAUGHS, "declares entities"),
        ("", "empty"),
        ("<ACT><BIB.INSTANCE><LG.DOC>NL</LG.DOC></BIB.INSTANCE></ACT>", "not in the source registry"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "L_2099001NL.01000101.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidSourceError) as raised:
        FormexReader().read(path, load_registry())
    assert str(path) in str(raised.value)
    assert problem in raised.value.problem
