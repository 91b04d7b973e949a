"""Every reader the ingest knows, in sniffing order."""

from __future__ import annotations

from ingest.readers import Reader
from ingest.readers.bwb_xml import BwbXmlReader
from ingest.readers.formex import FormexReader
from ingest.readers.markdown import MarkdownReader
from ingest.readers.pdf import PdfReader
from ingest.readers.regelrecht import RegelrechtReader

#: When two files hold the same document (same source, language and version), the official format wins.
READER_PREFERENCE = {"bwb-xml": 3, "formex": 3, "regelrecht-yaml": 2, "pdf": 1, "markdown": 1}


def all_readers(max_file_bytes: int) -> list[Reader]:
    return [BwbXmlReader(), FormexReader(), RegelrechtReader(), PdfReader(max_file_bytes), MarkdownReader()]


def preference(reader_name: str) -> int:
    return READER_PREFERENCE.get(reader_name.split("/")[0], 0)
