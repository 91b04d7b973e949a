"""`python -m deelwijzer …` is the `deelwijzer` command (the upload job runs its `ingest` this way)."""

from deelwijzer.main import main

main()
