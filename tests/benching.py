"""What the bench scripts' smoke tests share: run a script once, read the section it wrote."""

from __future__ import annotations

from pathlib import Path

from conftest import run_python

BENCH = Path(__file__).resolve().parent.parent / "bench"
#: Another script's section, already in the results file: a script must leave it as it is.
KEPT = "<!-- section: other -->\nkept\n<!-- /section: other -->\n"


def smoke(script: Path, out: Path, *args: str, timeout: float = 120) -> str:
    """Run a bench script's smoke configuration (--smoke, or `args`); the report it wrote."""
    argv = args or ("--smoke",)
    proc = run_python(str(script), *argv, "--out", str(out), cwd=out.parent, timeout=timeout)
    assert proc.returncode == 0, proc.stderr
    return out.read_text(encoding="utf-8")


def smoke_section(name: str, tmp_path: Path, *args: str, timeout: float = 120) -> str:
    """Section `name` as bench/`name`.py writes it into a results file holding another
    script's section, which it must keep."""
    out = tmp_path / "results.md"
    out.write_text(KEPT, encoding="utf-8")
    report = smoke(BENCH / f"{name}.py", out, *args, timeout=timeout)
    assert KEPT.strip() in report  # the other script's figures stay
    return report.split(f"<!-- section: {name} -->", 1)[1].split(f"<!-- /section: {name} -->")[0]
