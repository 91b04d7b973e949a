"""Ingest: read legislation, covenants and guidance into passages and write them into the knowledge base."""
