"""The package as pip installs it: `pip install .` into a fresh virtualenv ships the prompts and the report-rag command."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from helpers import CORPUS, ROOT

QUESTION = "常州联合体每年的日常运行经费是多少？"


def _python_files(package: Path) -> set[str]:
    return {p.relative_to(package).as_posix() for p in package.rglob("*.py") if "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtualenv with report-rag installed non-editable from a clean copy of the sources.

    Its dependencies come from this interpreter's site-packages through a .pth line (offline, seconds); that
    directory's own .pth files (the checkout's editable finder among them) are not run, so `rag` can only
    come from the installed copy."""
    work = tmp_path_factory.mktemp("install")
    source = work / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("rag", "prompts"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    Path(site, "_report_rag_deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")
    # --ignore-installed: the checkout's editable report-rag is visible through the .pth line; pip must not
    # try to uninstall it. --no-build-isolation --no-index: setuptools comes from the same site-packages.
    done = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                           "--ignore-installed", "--disable-pip-version-check", str(source)],
                          capture_output=True, text=True, timeout=300, env=_clean_env())
    assert done.returncode == 0, done.stdout + done.stderr
    return venv


def _clean_env(**extra: str) -> dict:
    """This environment without anything that points back at the checkout or its settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("RAG_") and k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return env | {"HF_HUB_OFFLINE": "1"} | extra


def _site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def test_the_installed_package_holds_every_module_and_prompt(installed):
    package = _site_packages(installed) / "rag"
    assert _python_files(package) == _python_files(ROOT / "rag"), "a subpackage is missing from pyproject.toml"
    shipped = sorted(p.name for p in (package / "_prompts").iterdir())
    assert shipped == sorted(p.name for p in (ROOT / "prompts").iterdir() if p.suffix in (".md", ".toml"))


@pytest.mark.slow  # 9 s measured on 2 busy cores
def test_report_rag_answers_from_another_folder(installed, index_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _clean_env(RAG_CORPUS_DIR=str(CORPUS), RAG_INDEX_DIR=str(index_copy))
    done = subprocess.run([installed / "bin" / "report-rag", "ask", "--backend", "extractive", QUESTION],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "200万元" in done.stdout and re.search(r"^出处：\n\[1\] 第三章 · 常州", done.stdout, re.M), done.stdout

    # The installed copy, not the checkout: its prompts inside the package, its defaults in the current folder.
    probe = ("from rag.answer import prompts; from rag.config import load_settings; "
             "print(prompts.prompts_dir(), load_settings().corpus_dir, sep='\\n'); "
             "assert prompts.template('not_found')")
    found = subprocess.run([installed / "bin" / "python", "-c", probe], cwd=elsewhere, env=_clean_env(),
                           capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    prompts_dir, corpus_dir = found.stdout.split("\n")[:2]
    assert str(_site_packages(installed) / "rag" / "_prompts") in prompts_dir
    assert Path(corpus_dir) == elsewhere / "corpus"


def test_a_checkout_reads_the_top_level_prompts_folder():
    """Editable (scripts/install.sh) or bare: setuptools' editable finder cannot import rag._prompts, so the
    checkout's prompts/ is read in place."""
    from rag.answer import prompts

    assert Path(str(prompts.prompts_dir())) == ROOT / "prompts"
    assert prompts.template("answer") == (ROOT / "prompts" / "answer.md").read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("cpu, portable, avx512", [
    ("fpu sse2 avx fma f16c avx2", "", False),  # an AVX2 CPU: the portable build
    ("fpu avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512vbmi avx512_vnni avx512_bf16", "", True),
    ("fpu avx2 avx512f avx512dq avx512cd avx512bw avx512vl avx512_vnni", "1", False),  # RAG_PORTABLE_LLAMA
    ("fpu avx2 avx512f avx512cd", "", False),  # AVX-512 foundation only: llama.cpp's AVX512 build needs BW, DQ, VL
])
def test_llama_cpp_is_compiled_for_what_the_cpu_lists(tmp_path, cpu, portable, avx512):
    """scripts/llama-flags.sh, which install.sh compiles llama.cpp with: named instructions, never a native build."""
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {cpu}\n\nprocessor\t: 1\nflags\t\t: {cpu}\n", encoding="utf-8")
    env = os.environ | {"RAG_CPUINFO": str(cpuinfo), "RAG_PORTABLE_LLAMA": portable}
    flags = subprocess.run(["bash", str(ROOT / "scripts" / "llama-flags.sh")], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    assert "-DGGML_NATIVE=OFF" in flags and "-DGGML_AVX2=ON" in flags
    assert ("-DGGML_AVX512=ON" in flags) is avx512
    assert ("-DGGML_AVX512_VNNI=ON" in flags) is avx512 and ("-DGGML_AVX512_BF16=ON" in flags) is avx512
