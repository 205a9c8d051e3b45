# The two commands a newcomer needs: `make run` and `make test` (both install first).
.PHONY: install run test bench

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

install:
	bash scripts/install.sh

run: install
	.venv/bin/python -m rag index
	.venv/bin/python -m rag ask

test: install
	.venv/bin/python -m pytest

bench: install
	.venv/bin/python bench/bench_retrieval.py
