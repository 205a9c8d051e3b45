"""Web chat over the report (the client's layout names app.py): the same as python -m rag serve [options]."""
import sys

from rag.cli import main

if __name__ == "__main__":
    sys.exit(main(["serve", *sys.argv[1:]]))
