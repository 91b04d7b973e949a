"""The product's front door: the `deelwijzer` command. It mounts the commands of kb, ingest and bot, and any
command another installed package declares in the `deelwijzer.commands` entry-point group (evals adds `eval`).
Nothing here imports evals; the product runs without it."""
