"""Stage 7, serve: the Gradio web chat, its API endpoints, answer formatting and user feedback."""
