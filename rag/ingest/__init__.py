"""Stage 2, ingest: corpus files read (PDF, DOCX, Markdown, text), parsed into chapters/cases/sections, cut into passages."""
