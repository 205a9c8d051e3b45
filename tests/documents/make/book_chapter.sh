#!/bin/sh
# Builds book/quality-monitoring-chapter.pdf from book_chapter.tex (needs texlive-xetex, texlive-lang-chinese, texlive-latex-extra, texlive-pictures, fonts-noto-cjk).
set -e
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
cp "$here/book_chapter.tex" "$tmp/"
(cd "$tmp" && xelatex -interaction=nonstopmode book_chapter.tex >/dev/null && xelatex -interaction=nonstopmode book_chapter.tex >/dev/null) || { tail -30 "$tmp/book_chapter.log"; exit 1; }
mkdir -p "$here/../book"
cp "$tmp/book_chapter.pdf" "$here/../book/quality-monitoring-chapter.pdf"
rm -rf "$tmp"
