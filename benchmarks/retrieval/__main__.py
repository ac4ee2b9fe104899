"""``python -m benchmarks.retrieval``: see the package docstring."""

import sys

from benchmarks.retrieval.cli import main

if __name__ == "__main__":
    sys.exit(main())
