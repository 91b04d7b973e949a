"""LangChain adapter: the hybrid retriever as a `BaseRetriever`, for anyone composing LangChain chains."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from bot.retrieval import HybridRetriever, Retrieved
from kb.knowledge_base import Filters


class DeelwijzerRetriever(BaseRetriever):
    """Returns one Document per passage: the exact text, with key, source, version, link and fused score."""

    retriever: HybridRetriever
    k: int = 8
    filters: Filters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [to_document(item) for item in self.retriever.retrieve(query, self.k, self.filters)]


def to_document(item: Retrieved) -> Document:
    passage = item.passage
    metadata = {
        "key": passage.key,
        "source_id": passage.source_id,
        "version_date": passage.version_date,
        "url": passage.url,
        "score": item.score,
    }
    return Document(page_content=passage.text, metadata=metadata)
