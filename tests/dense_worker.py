"""The process a test server starts to complete a lexical-first build: the real `complete_dense_index`, with
a deliberately slow hash embedder (the boundary), so the test can ask questions while it runs.

    python tests/dense_worker.py DATA_DIR DELAY_S
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from store_fakes import SlowHashEmbedder, store_settings  # noqa: E402

from ingest.pipeline import complete_dense_index  # noqa: E402

if __name__ == "__main__":
    settings = store_settings(Path(sys.argv[1]), batch_size=8)
    complete_dense_index(settings, SlowHashEmbedder(delay=float(sys.argv[2])))
