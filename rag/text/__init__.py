"""Stage 1, text: normalisation, sentence ends, figures (amounts, years, units), keyword tokens, language."""
