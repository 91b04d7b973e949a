"""BWB toestand XML reader on the real files (UAVG, Jeugdwet, Vw 2000, Grondwet) and on generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_checks import assert_well_formed, passages

from ingest.errors import InvalidSourceError
from ingest.readers.bwb_xml import BwbXmlReader
from kb.passages import Document
from kb.registry import load_registry

BWB = "nl-bwb-xml"
FILES = {
    "UAVG": "BWBR0040940/2026-09-01/toestand.xml",
    "Jeugdwet": "BWBR0034925/2024-01-01/toestand.xml",
    "Vw 2000": "BWBR0011823/2024-01-01/toestand.xml",
    "Grondwet": "BWBR0001840/2023-02-22/toestand.xml",
}


@pytest.fixture(scope="module")
def documents(corpus_dir: Path) -> dict[str, Document]:
    registry = load_registry()
    return {name: BwbXmlReader().read(corpus_dir / BWB / path, registry) for name, path in FILES.items()}


def assert_bwb_well_formed(document: Document) -> None:
    assert_well_formed(document)
    for passage in document.passages:
        assert passage.jci.startswith(f"jci1.3:c:{document.identifiers['bwb_id']}&")
        assert passage.url.startswith(document.url)


@pytest.mark.parametrize("name", FILES)
def test_every_passage_is_well_formed(documents: dict[str, Document], name: str) -> None:
    document = documents[name]
    assert document.citation_name == name
    assert_bwb_well_formed(document)


def test_articles_in_force_are_read_and_repealed_ones_skipped(documents: dict[str, Document]) -> None:
    articles = {name: {p.article for p in doc.passages} for name, doc in documents.items()}
    # MANIFEST.md counts 'goed' articles: UAVG 62 (+ 23a nogniet) minus art. 49, only a note "Wijzigt deze
    # wet."; Jeugdwet 192 minus 6 such notes; Vw 184; Grondwet: 149 'goed' artikel elements minus the
    # unnumbered 'Algemene bepaling' and the additional article IV (only an editorial note); the other
    # Roman-numbered additional articles (V, VI, IX, XIX) are citable as 'Grondwet art. IX'.
    assert {name: len(found) for name, found in articles.items()} == {
        "UAVG": 62,
        "Jeugdwet": 186,
        "Vw 2000": 184,
        "Grondwet": 147,
    }
    assert "49" not in articles["UAVG"] and "23a" in articles["UAVG"]
    assert "1b" not in articles["Vw 2000"]  # vervallen
    assert "11.1" not in articles["Jeugdwet"]  # only the editorial note "Wijzigt de Algemene Wet ..."
    assert "7.4.3a" not in articles["Jeugdwet"]  # nogniet, and its only text is a 'not yet in force' note
    assert {"V", "VI", "IX", "XIX"} <= articles["Grondwet"] and "IV" not in articles["Grondwet"]


def test_uavg_article_46(documents: dict[str, Document]) -> None:
    passage = passages(documents["UAVG"])["UAVG art. 46"]
    assert passage.text == (
        "Een nummer dat ter identificatie van een persoon bij wet is voorgeschreven, wordt bij de verwerking "
        "van persoonsgegevens slechts gebruikt ter uitvoering van de desbetreffende wet dan wel voor "
        "doeleinden bij de wet bepaald."
    )
    assert passage.title == "Verwerking nationaal identificatienummer"
    assert passage.heading_path == ["Hoofdstuk 4 Uitzonderingen, beperkingen en bijzondere grondslagen"]
    assert passage.jci == "jci1.3:c:BWBR0040940&hoofdstuk=4&artikel=46&z=2026-09-01&g=2026-09-01"
    assert passage.url == "https://wetten.overheid.nl/BWBR0040940/2026-09-01#Hoofdstuk4_Artikel46"
    assert (passage.version_date, passage.source_id, passage.doc_type, passage.authority) == (
        "2026-09-01",
        "uavg",
        "wet",
        2,
    )


def test_not_yet_in_force_is_kept_and_flagged(documents: dict[str, Document]) -> None:
    found = passages(documents["UAVG"])
    assert found["UAVG art. 23a lid 1"].status == "nogniet"
    assert found["UAVG art. 23a lid 1"].text.startswith(
        "Gelet op artikel 9, tweede lid, onderdeel g, van de verordening"
    )
    assert found["UAVG art. 46"].status == "goed"


def test_inline_references_are_joined_without_added_spaces(documents: dict[str, Document]) -> None:
    found = passages(documents["UAVG"])
    assert (
        "geldt op grond van Afdeling 5, titel 7, van Boek 7 van het Burgerlijk Wetboek"
        in found["UAVG art. 5 lid 7"].text
    )
    jeugdwet = passages(documents["Jeugdwet"])["Jeugdwet art. 7.3.11 lid 1"]
    assert jeugdwet.text.startswith(
        "Onverminderd artikel 7.3.2, vierde lid, tweede volzin, draagt de jeugdhulpverlener"
    )


def test_jeugdwet_article_7_3_11(documents: dict[str, Document]) -> None:
    found = passages(documents["Jeugdwet"])
    lid_4 = found["Jeugdwet art. 7.3.11 lid 4"]
    assert lid_4.text.startswith(
        "Derden die beroepshalve beschikken over inlichtingen inzake feiten en omstandigheden"
    )
    assert lid_4.text.endswith(
        "zonder toestemming van de betrokkenen en indien nodig met doorbreking van de plicht tot "
        "geheimhouding "
        "op grond van een wettelijk voorschrift of op grond van hun ambt of beroep."
    )
    assert (
        lid_4.jci
        == "jci1.3:c:BWBR0034925&hoofdstuk=7&paragraaf=7.3&artikel=7.3.11&lid=4&z=2024-01-01&g=2024-01-01"
    )
    assert lid_4.heading_path == [
        "Hoofdstuk 7 Gegevensverwerking, privacy en toestemming",
        "§ 7.3 Toestemming, dossier en privacy",
    ]
    assert lid_4.url.endswith("/BWBR0034925/2024-01-01#Hoofdstuk7_Paragraaf7.3_Artikel7.3.11")
    lid_2 = found["Jeugdwet art. 7.3.11 lid 2"]
    assert list(lid_2.subs) == ["a", "b"]
    assert lid_2.text.startswith(
        "Onder anderen dan de betrokkene is niet begrepen:\na. degene die rechtstreeks betrokken"
    )


def test_vreemdelingenwet_article_107_nested_items(documents: dict[str, Document]) -> None:
    passage = passages(documents["Vw 2000"])["Vw 2000 art. 107 lid 1"]
    assert passage.text.startswith(
        "Er is een vreemdelingenadministratie, die wordt beheerd door Onze Minister."
    )
    assert passage.subs["d 1°"] == "de SIS-verordening grenscontroles;"
    assert passage.subs["d"].startswith(
        "gegevens, waaronder persoonsgegevens, verwerkt op grond van:\n1°. de SIS"
    )
    assert (
        "\nd. gegevens, waaronder persoonsgegevens, verwerkt op grond van:\n1°. de SIS-verordening"
        in passage.text
    )


def test_grondwet_article_10(documents: dict[str, Document]) -> None:
    found = passages(documents["Grondwet"])
    assert found["Grondwet art. 10 lid 1"].text == (
        "Ieder heeft, behoudens bij of krachtens de wet te stellen beperkingen, recht op eerbiediging van "
        "zijn "
        "persoonlijke levenssfeer."
    )
    assert found["Grondwet art. 10 lid 2"].text.startswith(
        "De wet stelt regels ter bescherming van de persoonlijke"
    )
    assert found["Grondwet art. 10 lid 1"].heading_path == ["Hoofdstuk 1 Grondrechten"]


GENERATED = """<?xml version="1.0" encoding="UTF-8"?>
<toestand bwb-id="BWBR9999999" inwerkingtreding="2025-01-01"><wetgeving soort="AMvB">
<citeertitel>Besluit  testregels<meta-data><brondata>Stb. 2024, 1</brondata></meta-data></citeertitel>
<wet-besluit><wettekst>
<hoofdstuk bwb-ng-variabel-deel="/Hoofdstuk2">
<kop><label>Hoofdstuk</label><nr>2</nr><titel>Gegevens</titel></kop>
<artikel bwb-ng-variabel-deel="/Hoofdstuk2/Artikel2.1" status="goed">
  <kop><label>Artikel</label><nr>2.1</nr><titel>Verstrekking</titel></kop>
  <lid><lidnr>1.</lidnr>
    <al>Gegevens worden verstrekt aan <intref doc="x">de raad</intref>, indien:</al>
    <lijst><li><li.nr>a.</li.nr><al>dat nodig is;</al></li>
      <li><li.nr>b.</li.nr><al>het gaat om:</al>
        <lijst><li><li.nr>1°.</li.nr><al>kinderen;</al></li><li><li.nr>2°.</li.nr><al>ouders.</al></li></lijst>
      </li></lijst>
    <meta-data><jcis><jci versie="1.0" verwijzing="1.0:c:BWBR9999999&amp;artikel=2.1"/>
      <jci versie="1.3" verwijzing="jci1.3:c:BWBR9999999&amp;hoofdstuk=2&amp;artikel=2.1&amp;lid=1"/>
    </jcis></meta-data>
  </lid>
  <lid><lidnr>2</lidnr><al>Het tweede  lid<redactie>Redactionele noot.</redactie> geldt.</al></lid>
</artikel>
<artikel status="vervallen"><kop><nr>2.2</nr></kop><al>[Vervallen]</al></artikel>
<artikel status="nogniet"><kop><nr>2.3</nr></kop><al>Nog niet <nadruk>geldend</nadruk>.</al></artikel>
<artikel><kop><titel>Algemene bepaling</titel></kop><al>Zonder nummer.</al></artikel>
<artikel><kop><nr>IV</nr></kop><al>Additioneel artikel.</al></artikel>
</hoofdstuk></wettekst></wet-besluit></wetgeving></toestand>
"""


def test_generated_toestand(tmp_path: Path) -> None:
    path = tmp_path / "toestand.xml"
    path.write_text(GENERATED, encoding="utf-8")
    document = BwbXmlReader().read(path, load_registry())
    assert (document.citation_name, document.source_id, document.doc_type) == (
        "Besluit testregels",
        "besluit-testregels",
        "amvb",
    )
    assert (document.document_id, document.url) == (
        "besluit-testregels/nl/2025-01-01",
        "https://wetten.overheid.nl/BWBR9999999/2025-01-01",
    )
    found = passages(document)
    assert list(found) == [
        "Besluit testregels art. 2.1 lid 1",
        "Besluit testregels art. 2.1 lid 2",
        "Besluit testregels art. 2.3",
        "Besluit testregels art. IV",
    ]
    lid_1 = found["Besluit testregels art. 2.1 lid 1"]
    assert (
        lid_1.text
        == "Gegevens worden verstrekt aan de raad, indien:\na. dat nodig is;\nb. het gaat om:\n1°. "
        "kinderen;\n2°. ouders."
    )
    assert lid_1.subs == {
        "a": "dat nodig is;",
        "b": "het gaat om:\n1°. kinderen;\n2°. ouders.",
        "b 1°": "kinderen;",
        "b 2°": "ouders.",
    }
    assert lid_1.jci == "jci1.3:c:BWBR9999999&hoofdstuk=2&artikel=2.1&lid=1"
    assert (lid_1.title, lid_1.heading_path, lid_1.url) == (
        "Verstrekking",
        ["Hoofdstuk 2 Gegevens"],
        "https://wetten.overheid.nl/BWBR9999999/2025-01-01#Hoofdstuk2_Artikel2.1",
    )
    assert found["Besluit testregels art. 2.1 lid 2"].text == "Het tweede lid geldt."
    assert found["Besluit testregels art. 2.1 lid 2"].jci == "jci1.3:c:BWBR9999999&artikel=2.1&lid=2"
    not_yet = found["Besluit testregels art. 2.3"]
    assert (not_yet.text, not_yet.status, not_yet.jci) == (
        "Nog niet geldend.",
        "nogniet",
        "jci1.3:c:BWBR9999999&artikel=2.3",
    )
    assert_bwb_well_formed(document)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE toestand [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;">]>
<toestand bwb-id="BWBR9999999" inwerkingtreding="2025-01-01">
<wetgeving><citeertitel>&c;</citeertitel></wetgeving></toestand>
"""


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('<toestand bwb-id="BWBR9999999"><wetgeving>', "malformed XML"),
        (BILLION_LAUGHS, "declares entities"),
        ("   \n", "empty"),
        ('<toestand inwerkingtreding="2025-01-01"><wetgeving/></toestand>', "no bwb-id attribute"),
        (
            '<toestand bwb-id="BWBR9999999" inwerkingtreding="2025-01-01"><wetgeving/></toestand>',
            "no articles",
        ),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "toestand.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidSourceError) as raised:
        BwbXmlReader().read(path, load_registry())
    assert str(path) in str(raised.value)
    assert problem in raised.value.problem


def test_sniffing(corpus_dir: Path) -> None:
    reader = BwbXmlReader()
    for path in FILES.values():
        full = corpus_dir / BWB / path
        assert reader.can_read(full, full.read_bytes()[:4096])
    formex = corpus_dir / "eu-gdpr-formex/consolidated/gdpr-consolidated-nl.xml"
    assert not reader.can_read(formex, formex.read_bytes()[:4096])
