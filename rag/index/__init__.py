"""Stage 3, index: versioned index folders, embeddings, dense stores (FAISS, pgvector) and the BM25 keyword index."""
