"""Retrieval over the knowledge-base documents: one search interface, BM25 / dense / hybrid back-ends.

from knowledge_base.retrieval import get_retriever
hits = get_retriever("hybrid").search("hồ sơ gồm những gì", k=5)
hits[0].chunk.citation(), hits[0].score
"""

from knowledge_base.retrieval.backends import BACKENDS
from knowledge_base.retrieval.chunks import Chunk
from knowledge_base.retrieval.retriever import Hit, RetrievalParams, Retriever, clear_cache, get_retriever

__all__ = ["BACKENDS", "Chunk", "Hit", "RetrievalParams", "Retriever", "clear_cache", "get_retriever"]
