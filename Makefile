# The two commands a newcomer needs: `make run` (the web chat) and `make test` (both install first).
.PHONY: install run ask test bench eval

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

install:
	bash scripts/install.sh

# Indexing is incremental: an unchanged corpus takes well under a second.
run: install
	.venv/bin/python -m rag index
	.venv/bin/python app.py

ask: install
	.venv/bin/python -m rag index
	.venv/bin/python -m rag ask

# The quick evaluation gates the build (exit 1 below a threshold in eval/thresholds.toml); pytest runs last.
test: install
	bash scripts/install-system-deps.sh
	.venv/bin/python -m rag index
	.venv/bin/python -m rag eval --quick
	.venv/bin/python -m pytest

# The full evaluation, with the local model (about 20 minutes on 2 cores); see eval/README.md.
eval: install
	.venv/bin/python -m rag index
	.venv/bin/python -m rag eval

bench: install
	.venv/bin/pip install -q -c constraints.txt -e ".[bench]"
	.venv/bin/python bench/bench_retrieval.py
	.venv/bin/python bench/bench_answer.py
	.venv/bin/python bench/bench_web.py
	.venv/bin/python bench/bench_scale.py
