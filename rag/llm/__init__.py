"""Stage 6, llm: the chat models the answers are written by: the local GGUF (llama.cpp) or an OpenAI-compatible server."""
