"""regelrecht YAML reader on the real files (nine Dutch laws), on generated files, and against the BWB XML."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from reader_checks import MARKUP, assert_well_formed, passages

from ingest.errors import InvalidSourceError
from ingest.readers.bwb_xml import BwbXmlReader
from ingest.readers.formex import FormexReader
from ingest.readers.regelrecht import RegelrechtReader, repair_block_indentation
from kb.passages import Document
from kb.registry import load_registry

REGELRECHT = "nl-regelrecht-corpus/regulation/nl"
FILES = {
    "UAVG": "wet/uitvoeringswet_algemene_verordening_gegevensbescherming/2026-09-01.yaml",
    "Wpg": "wet/wet_politiegegevens/2025-07-01.yaml",
    "Besluit politiegegevens": "amvb/besluit_politiegegevens/2026-06-12.yaml",
    "Besluit meldcode": "amvb/besluit_verplichte_meldcode_huiselijk_geweld_en_kindermishandeling"
    "/2020-10-01.yaml",
    "WGS": "wet/wet_gegevensverwerking_door_samenwerkingsverbanden/2025-07-05.yaml",
    "Jeugdwet": "wet/jeugdwet/2026-01-01.yaml",
    "Wmo 2015": "wet/wet_maatschappelijke_ondersteuning_2015/2026-07-01.yaml",
    "Wet BIG": "wet/wet_op_de_beroepen_in_de_individuele_gezondheidszorg/2025-07-05.yaml",
    "Wjsg": "wet/wet_justitiele_en_strafvorderlijke_gegevens/2026-09-01.yaml",
}


REGELRECHT_MARKUP = (*MARKUP, "*", "\n- ", "___")  # no Markdown left in the text


@pytest.fixture(scope="module")
def documents(corpus_dir: Path) -> dict[str, Document]:
    registry = load_registry()
    return {
        name: RegelrechtReader().read(corpus_dir / REGELRECHT / path, registry)
        for name, path in FILES.items()
    }


@pytest.mark.parametrize("name", FILES)
def test_every_passage_is_well_formed(documents: dict[str, Document], name: str) -> None:
    document = documents[name]
    assert document.citation_name == name
    assert_well_formed(document, REGELRECHT_MARKUP)


def test_colon_numbers_stay_as_written(documents: dict[str, Document]) -> None:
    found = passages(documents["Besluit politiegegevens"])
    lid_1 = found["Besluit politiegegevens art. 4:2 lid 1"]
    assert (lid_1.article, lid_1.lid, lid_1.version_date) == ("4:2", "1", "2026-06-12")
    assert lid_1.url == "https://wetten.overheid.nl/BWBR0023086/2026-06-12#Artikel42"
    assert lid_1.text.startswith(
        "Politiegegevens die worden verwerkt overeenkomstig de artikelen 8 en 13, eerste lid, van de wet, "
        "kunnen,"
    )
    assert lid_1.subs["b 3°"].startswith(
        "de stichting Comensha, voor wat betreft gegevens over slachtoffers van mensenhandel en de "
        "aanmeldende "
        "autoriteit, ten behoeve van de coördinatie van de opvang en verzorging van slachtoffers van "
        "mensenhandel"
    )
    assert lid_1.subs["b"].startswith(
        "de navolgende instanties die hulp aan slachtoffers verlenen:\n1°. de stichting"
    )
    assert "\nb. de navolgende instanties die hulp aan slachtoffers verlenen:\n1°. " in lid_1.text
    assert "bedoeld in artikel 4.1.1, tweede lid, van die wet;" in lid_1.subs["i"]  # 'a[rtikel ...][ref19]'
    assert {"1:1", "2:10", "6a:7"} <= {p.article for p in documents["Besluit politiegegevens"].passages}


def test_wgs_parses_and_keeps_its_onderdelen(documents: dict[str, Document]) -> None:
    found = passages(documents["WGS"])
    lid_1 = found["WGS art. 2.22 lid 1"]
    assert lid_1.text.startswith(
        "Met het oog op de uitvoering van de activiteiten, bedoeld in artikel 2.18, zijn de door de "
        "deelnemers "
        "aan het Regionaal Informatie- en Expertisecentrum te verstrekken categorieën gegevens:\na. ten "
        "aanzien"
    )
    assert list(lid_1.subs) == ["a", "a 1°", "a 2°", "a 3°", "b", "b 1°", "b 2°", "b 3°", "c"]
    assert lid_1.subs["a 2°"].startswith(
        "fiscale gegevens;\npolitiegegevens in de zin van de artikelen 8 en 13"
    )
    assert lid_1.subs["b 1°"] == "dezelfde categorieën gegevens als genoemd in onderdeel a, onder 1°;"
    assert lid_1.subs["c"] == (
        "ten aanzien van medewerkers van deelnemers:\nidentificerende en "
        "contactgegevens;\nautorisatieniveau;\n"
        "de wijze waarop deze medewerker is gescreend."
    )
    assert found["WGS art. 2.16 lid 1"].text == (
        "Als samenwerkingsverbanden in de zin van deze wet worden aangewezen de Regionale Informatie- en "
        "Expertisecentra."
    )
    assert found["WGS art. 2.16 lid 2"].text.startswith(
        "Bij of krachtens algemene maatregel van bestuur kunnen regels"
    )
    assert not [key for key in found if key.startswith("WGS art. 2.16") and key[-1] not in "12"]
    assert (
        found["WGS art. 2.27 lid 1"]
        .subs["e"]
        .endswith("Wet verplichte geestelijke gezondheidszorg en de __REF008__;")
    )


def test_besluit_meldcode_merges_onderdelen_into_their_lid(documents: dict[str, Document]) -> None:
    found = passages(documents["Besluit meldcode"])
    assert list(found) == [
        "Besluit meldcode art. 1",
        "Besluit meldcode art. 2 lid 1",
        "Besluit meldcode art. 2 lid 2",
        "Besluit meldcode art. 6",
        "Besluit meldcode art. 7",
    ]
    lid_1 = found["Besluit meldcode art. 2 lid 1"]
    assert lid_1.text.startswith(
        "Een meldcode bevat ten minste de volgende elementen:\na. een stappenplan, inhoudende een "
        "omschrijving van de "
        "stappen voor het omgaan door professionals met signalen van huiselijk geweld of "
        "kindermishandeling;\nb. "
    )
    assert list(lid_1.subs) == ["a", "b", "c", "d", "e", "f", "g"]
    assert found["Besluit meldcode art. 2 lid 2"].subs["e 2°"] == "het inzetten van de noodzakelijke hulp."
    assert (
        found["Besluit meldcode art. 1"].subs["a"]
        == "meldcode: meldcode huiselijk geweld en kindermishandeling;"
    )


def test_whole_article_entries_are_split_into_leden(documents: dict[str, Document]) -> None:
    wpg = passages(documents["Wpg"])
    assert wpg["Wpg art. 20 lid 3"].text.startswith(
        "Indien de politie of de Koninklijke marechaussee deelneemt aan een samenwerkingsverband als "
        "bedoeld in de "
        "Wet gegevensverwerking door samenwerkingsverbanden, verstrekt de verwerkingsverantwoordelijke,"
    )
    assert list(wpg["Wpg art. 20 lid 1"].subs) == ["a", "b", "c", "d"]
    wjsg = passages(documents["Wjsg"])["Wjsg art. 39f lid 1"]
    assert (
        wjsg.subs["f"]
        == "het verlenen van hulp aan slachtoffers en anderen die bij een strafbaar feit betrokken zijn, of"
    )
    assert wjsg.text.startswith(
        "Voorzover dit noodzakelijk is met het oog op een zwaarwegend algemeen belang, kan het "
        "College van procureurs-generaal, onverminderd artikel 39e,"
    )
    jeugdwet = passages(documents["Jeugdwet"])["Jeugdwet art. 7.3.11 lid 4"]
    assert jeugdwet.text.startswith(
        "Derden die beroepshalve beschikken over inlichtingen inzake feiten en omstandigheden"
    )
    assert jeugdwet.url == "https://wetten.overheid.nl/BWBR0034925/2026-01-01#Artikel7.3.11"
    uavg = passages(documents["UAVG"])
    assert "UAVG art. 48a lid 1" not in uavg and uavg["UAVG art. 48a lid 3"].text.startswith(
        "Op het tijdstip van"
    )


def test_articles_without_leden(documents: dict[str, Document]) -> None:
    wmo = passages(documents["Wmo 2015"])["Wmo 2015 art. 5.2.6"]
    assert wmo.text.startswith(
        "Derden die beroepshalve beschikken over inlichtingen die noodzakelijk kunnen worden geacht om een "
        "situatie van huiselijk geweld of kindermishandeling te beëindigen"
    )
    assert wmo.lid == "" and wmo.version_date == "2026-07-01"
    big = passages(documents["Wet BIG"])["Wet BIG art. 88"]
    assert big.text.startswith(
        "De beoefenaren van een op grond van artikel 3, 34 of 36a gereguleerd beroep zijn verplicht "
        "geheimhouding"
    )
    assert (big.doc_type, big.source_id) == ("wet", "wet-big")


def test_yaml_and_bwb_xml_give_the_same_uavg(documents: dict[str, Document], corpus_dir: Path) -> None:
    xml = BwbXmlReader().read(corpus_dir / "nl-bwb-xml/BWBR0040940/2026-09-01/toestand.xml", load_registry())
    from_xml, from_yaml = passages(xml), passages(documents["UAVG"])
    assert from_yaml["UAVG art. 46"].text == from_xml["UAVG art. 46"].text
    shared = from_xml.keys() & from_yaml.keys()
    assert len(shared) >= 175
    assert [key for key in shared if from_yaml[key].text != from_xml[key].text] == []
    assert [key for key in shared if from_yaml[key].subs != from_xml[key].subs] == []


def test_jeugdwet_7_3_11_lid_4_is_the_same_in_both_versions(
    documents: dict[str, Document], corpus_dir: Path
) -> None:
    xml = BwbXmlReader().read(corpus_dir / "nl-bwb-xml/BWBR0034925/2024-01-01/toestand.xml", load_registry())
    key = "Jeugdwet art. 7.3.11 lid 4"
    assert passages(documents["Jeugdwet"])[key].text == passages(xml)[key].text


GENERATED = """---
$id: wet_testregels
regulatory_layer: WET
valid_from: '2025-01-01'
bwb_id: BWBR9999998
url: https://wetten.overheid.nl/BWBR9999998/2025-01-01
articles:
  - number: 1.2.1
    text: 'De gegevens zijn:'
    url: https://wetten.overheid.nl/BWBR9999998/2025-01-01#Artikel1.2
  - number: 1.2.1.a
    text: |-
        - naam;
        - adres, voor zover dat in het
      register staat;
    url: https://wetten.overheid.nl/BWBR9999998/2025-01-01#Artikel1.2
  - number: 4:2
    text: >-
      1 Eerste lid met het College van procureurs-
      generaal en een Informatie-
      en Expertisecentrum.

      2 Tweede lid, zie *let op:* [artikel 1.2][ref1].


      [ref1]: https://wetten.overheid.nl/BWBR9999998#Artikel1.2
    url: https://wetten.overheid.nl/BWBR9999998/2025-01-01#Artikel42
"""


def test_generated_file_with_an_over_indented_block(tmp_path: Path) -> None:
    assert "    text: |2-\n        - naam;" in repair_block_indentation(GENERATED)
    path = tmp_path / "2025-01-01.yaml"
    path.write_text(GENERATED, encoding="utf-8")
    document = RegelrechtReader().read(path, load_registry())
    assert (document.citation_name, document.document_id) == (
        "Wet testregels",
        "wet-testregels/nl/2025-01-01",
    )
    found = passages(document)
    assert list(found) == [
        "Wet testregels art. 1.2 lid 1",
        "Wet testregels art. 4:2 lid 1",
        "Wet testregels art. 4:2 lid 2",
    ]
    lid = found["Wet testregels art. 1.2 lid 1"]
    assert lid.text == "De gegevens zijn:\na. naam;\nadres, voor zover dat in het register staat;"
    assert lid.subs == {"a": "naam;\nadres, voor zover dat in het register staat;"}
    assert found["Wet testregels art. 4:2 lid 1"].text == (
        "Eerste lid met het College van procureurs-generaal en een Informatie- en Expertisecentrum."
    )
    assert found["Wet testregels art. 4:2 lid 2"].text == "Tweede lid, zie let op: artikel 1.2."
    assert_well_formed(document, REGELRECHT_MARKUP)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("bwb_id: BWBR9999998\nvalid_from: '2025-01-01'\npreamble:\n  text: Wij\n", "no 'articles' list"),
        ("bwb_id: BWBR9999998\nvalid_from: '2025-01-01'\narticles: []\n", "no 'articles' list"),
        ("", "empty"),
        ("bwb_id: BWBR9999998\narticles: [\n  - number: 1\n", "not valid YAML"),
        ("valid_from: '2025-01-01'\narticles:\n  - number: '1'\n    text: Tekst.\n", "no 'bwb_id' field"),
        ("- just\n- a list\n", "not a mapping"),
        ("bwb_id: BWBR9999998\nvalid_from: 1 juli\narticles:\n  - number: '1'\n", "is not a date"),
    ],
)
def test_bad_files_name_the_file_and_the_problem(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "wet.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidSourceError) as raised:
        RegelrechtReader().read(path, load_registry())
    assert str(path) in str(raised.value)
    assert problem in raised.value.problem


def test_each_corpus_file_is_claimed_by_exactly_one_reader(corpus_dir: Path) -> None:
    readers = {"formex": FormexReader(), "bwb": BwbXmlReader(), "regelrecht": RegelrechtReader()}
    claims: dict[str, set[str]] = {}
    for path in sorted(p for p in corpus_dir.rglob("*") if p.is_file() and p.name != "MANIFEST.md"):
        head = path.read_bytes()[:4096]
        claimed = [name for name, reader in readers.items() if reader.can_read(path, head)]
        assert len(claimed) == 1, (path, claimed)
        claims.setdefault(path.relative_to(corpus_dir).parts[0], set()).add(claimed[0])
    assert claims == {
        "eu-gdpr-formex": {"formex"},
        "nl-bwb-xml": {"bwb"},
        "nl-regelrecht-corpus": {"regelrecht"},
    }


def test_the_whole_folder_reads_in_a_few_seconds(corpus_dir: Path) -> None:
    registry, started = load_registry(), time.perf_counter()
    count = sum(
        len(RegelrechtReader().read(path, registry).passages)
        for path in (corpus_dir / REGELRECHT).rglob("*.yaml")
    )
    assert count > 2000
    assert time.perf_counter() - started < 20  # measured about 2 s on 2 cores
