"""Restore the real PDFs of questions*.toml from clones of the repositories their `source` names, by git blob id,
each checked against its recorded sha256 (the PDFs are git-ignored: a new checkout has none of them).

    .venv/bin/python eval/real-documents/restore_pdfs.py CLONES   # CLONES/<owner>+<name>/repo or CLONES/<name>: git dirs
"""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def git_dir(clones: Path, repo: str) -> Path | None:
    owner, name = repo.split("/")
    for candidate in (clones / f"{owner}+{name}" / "repo", clones / f"{owner}+{name}", clones / name / ".git",
                      clones / name):
        if candidate.exists():
            return candidate
    return None


def main(clones: Path) -> int:
    missing = 0
    for path in sorted(HERE.glob("questions*.toml")):
        for doc in tomllib.loads(path.read_text(encoding="utf-8")).get("document", []):
            target = HERE / doc["file"]
            if doc.get("family") != "real" or target.exists():
                continue
            repo = re.search(r"(?:github|GitHub) ([\w.-]+/[\w.-]+?),", doc["source"]).group(1)
            blob = re.search(r"blob ([0-9a-f]{40})", doc["source"]).group(1)
            where = git_dir(clones, repo)
            data = subprocess.run(["git", "--git-dir", str(where), "cat-file", "-p", blob], capture_output=True
                                  ).stdout if where else b""
            if hashlib.sha256(data).hexdigest() != doc["sha256"]:
                print(f"{doc['file']}: not restored (clone {repo} into {clones}; blob {blob})")
                missing += 1
                continue
            target.write_bytes(data)
            print(f"{doc['file']}: restored from {repo}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/.mirror")))
