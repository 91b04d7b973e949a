"""Every citation key in kb/assessment/*.yaml exists in the corpus, read with the project's own readers.

Laws: the shared corpus (Formex, regelrecht YAML, BWB XML). Guidance keys (`<id> § n`): kb/guidance/*.md.
A key resolves when its passage exists (an article-level key: any lid of that article) and, with a `sub`, the
passage lists that sub-item.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.parameters import load_parameters
from bot.rules import load_rulebook
from ingest.readers.bwb_xml import BwbXmlReader
from ingest.readers.formex import FormexReader
from ingest.readers.markdown import MarkdownReader
from ingest.readers.regelrecht import RegelrechtReader
from kb.citations import parse_key
from kb.passages import Passage
from kb.registry import load_registry

REPO = Path(__file__).resolve().parent.parent
GDPR_NL = (
    "eu-gdpr-formex/consolidated-with-corrected-preamble/gdpr-consolidated-with-corrected-preamble-nl.xml"
)


@pytest.fixture(scope="module")
def passages(corpus_dir: Path) -> dict[str, Passage]:
    registry = load_registry()
    documents = [FormexReader().read(corpus_dir / GDPR_NL, registry)]
    documents += [
        RegelrechtReader().read(p, registry) for p in sorted(corpus_dir.rglob("regulation/**/*.yaml"))
    ]
    documents += [
        BwbXmlReader().read(p, registry) for p in sorted(corpus_dir.rglob("nl-bwb-xml/**/toestand.xml"))
    ]
    documents += [MarkdownReader().read(p, registry) for p in sorted((REPO / "kb" / "guidance").glob("*.md"))]
    table: dict[str, Passage] = {}
    for document in documents:
        for passage in document.passages:
            table.setdefault(passage.key, passage)
    return table


def resolves(key: str, passages: dict[str, Passage]) -> bool:
    parsed = parse_key(key)
    if parsed.article and not parsed.lid:
        found = [
            p
            for k, p in passages.items()
            if k == parsed.article_key or k.startswith(parsed.article_key + " lid ")
        ]
    else:
        found = [passages[parsed.passage_key]] if parsed.passage_key in passages else []
    if not parsed.sub:
        return bool(found)
    return any(parsed.sub in p.subs for p in found)


def test_the_resolver_accepts_real_keys_and_rejects_invented_ones(passages: dict[str, Passage]) -> None:
    real = [
        "AVG art. 6 lid 1 sub e",
        "AVG art. 7",
        "AVG overweging 43",
        "AVG art. 4 sub 11",
        "Wjsg art. 39f lid 1 sub f",
        "Besluit politiegegevens art. 4:2 lid 1 sub b",
        "WGS art. 2.29 lid 2",
        "Vw 2000 art. 107 lid 1",
        "werkinstructie-beroepsgeheim § 4",
    ]
    invented = [
        "AVG art. 100",
        "AVG art. 6 lid 1 sub z",
        "AVG overweging 200",
        "Wpg art. 20 lid 9",
        "Sr art. 273f",
        "Jeugdwet art. 7.3.11 lid 9",
        "werkinstructie-beroepsgeheim § 40",
    ]
    assert [k for k in real if not resolves(k, passages)] == []
    assert [k for k in invented if resolves(k, passages)] == []


def test_every_rule_key_exists_in_the_corpus(passages: dict[str, Passage]) -> None:
    book = load_rulebook()
    missing = {
        f"{rule.step}.yaml/{rule.id}": key
        for rule in book.rules
        for key in rule.keys
        if not resolves(key, passages)
    }
    assert missing == {}
    assert len(book.cited_keys()) > 60  # the rules really cite the corpus


def test_provisions_outside_the_corpus_are_named_in_findings_not_keys() -> None:
    """Conflict van plichten, Sr, Sv, Vreemdelingencirculaire: said in words, never invented as a key."""
    book = load_rulebook()
    sources = {parse_key(key).source for key in book.cited_keys()}
    assert not sources & {"Sr", "Sv", "Vc 2000", "Awb", "Wabb"}
    findings = " ".join(rule.finding.nl for rule in book.rules)
    assert "niet in de kennisbank" in findings
    assert "B8/3" in findings and "conflict van plichten" in findings.lower()


def test_every_legal_threshold_names_existing_provisions(passages: dict[str, Passage]) -> None:
    """kb/assessment/_parameters.yaml: each age threshold points at the provisions that set it."""
    ages = load_parameters().ages
    assert {"geheimhouding_toestemming", "avg_toestemming", "meerderjarig"} <= set(ages)
    missing = {
        name: key for name, age in ages.items() for key in age.provisions if not resolves(key, passages)
    }
    assert missing == {}


def test_every_declared_fact_names_existing_provisions(passages: dict[str, Passage]) -> None:
    from bot.fact_catalog import load_fact_catalog

    facts = load_fact_catalog().facts
    missing = {name: key for name, fact in facts.items() for key in fact.legal if not resolves(key, passages)}
    assert missing == {}
