"""Stage 4, retrieve: what a question asks, dense and keyword rankings, fusion, filters: passages best first."""
