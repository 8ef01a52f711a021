"""The fake Gemini API behind --offline, the tests and the benchmarks."""

from .faults import Fault
from .replies import FAIL, PASS
from .server import FakeGemini, Seen

__all__ = ["FAIL", "PASS", "FakeGemini", "Fault", "Seen"]
