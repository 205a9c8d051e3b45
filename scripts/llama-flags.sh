#!/usr/bin/env bash
# Prints the CMake flags llama.cpp is compiled with here: AVX2, and AVX-512 (with VNNI, VBMI, BF16) where the CPU lists
# it in /proc/cpuinfo (or $RAG_CPUINFO), unless RAG_PORTABLE_LLAMA is set. AVX-512 reads prompts 1.5x faster on this
# machine (71 against 49 tokens/s, bench/bench_llm.py); a default (native) build targeted AMX on one machine and
# crashed on the first decode, so the flags are named, never native.
set -euo pipefail
flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
cpu=" $(grep -m1 '^flags' "${RAG_CPUINFO:-/proc/cpuinfo}" 2>/dev/null | cut -d: -f2) "
has() { [[ "$cpu" == *" $1 "* ]]; }
if [[ -z "${RAG_PORTABLE_LLAMA:-}" ]] && has avx512f && has avx512cd && has avx512vl && has avx512dq && has avx512bw; then
  flags="$flags -DGGML_AVX512=ON"
  if has avx512vbmi; then flags="$flags -DGGML_AVX512_VBMI=ON"; fi
  if has avx512_vnni; then flags="$flags -DGGML_AVX512_VNNI=ON"; fi
  if has avx512_bf16; then flags="$flags -DGGML_AVX512_BF16=ON"; fi
fi
echo "$flags"
