"""Evaluation of the answer graph on the bundled sample corpus (``rag eval``).

Ragas reports usage analytics unless told not to, and reads the switch once, on first use; setting
it here, before any eval module imports ragas, keeps every eval run offline unless a user opts in.
"""

import os

os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")
