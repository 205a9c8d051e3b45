# The two commands a newcomer needs: `make run` (the web chat) and `make test` (both install first).
.PHONY: install run ask test test-quick test-slow docs docs-deps docs-check bench eval

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

# What fails fastest runs first: the documentation site (seconds), the quick evaluation (exit 1 below a threshold in
# eval/thresholds.toml; about 15 s), the quick tests (stopping at the first failure), then the slow ones (the local
# model, Chromium, servers; marked `slow`). Both tiers run, in CI too (.ci/run is `make test`).
test: install docs-check
	bash scripts/install-system-deps.sh
	.venv/bin/python -m rag index
	.venv/bin/python -m rag eval --quick
	.venv/bin/python -m pytest -m "not slow" -x -q
	.venv/bin/python -m pytest -m slow -q

# The tiers alone, for a developer whose .venv is installed.
test-quick:
	.venv/bin/python -m pytest -m "not slow" -x -q

test-slow:
	.venv/bin/python -m pytest -m slow -q

# The documentation site, offline, into site/ (git-ignored): the configuration page is written from rag/config.py first.
docs: install docs-deps
	.venv/bin/python scripts/config_docs.py
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict

# CI's check of the site: the configuration page as generated (not rewritten), then a strict build (a broken link,
# a missing anchor or a page left out of the navigation fails).
docs-check: install docs-deps
	.venv/bin/python scripts/config_docs.py --check
	NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict --quiet

docs-deps:
	.venv/bin/pip install -q -c constraints.txt -e ".[test,docs]"

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
