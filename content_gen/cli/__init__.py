"""The command line: the grammar (`parser.py`), one module per command, shared reporting."""

from .main import main, run

__all__ = ["main", "run"]
