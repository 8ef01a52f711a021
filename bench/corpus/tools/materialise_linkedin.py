"""Rebuild the recipe-only LinkedIn posts locally (they are not stored in the repo).

Usage:
    python materialise_linkedin.py --git-dir /path/to/linkedin_posts_corpus/repo [--out DIR]
    python materialise_linkedin.py --csv /path/to/annotated_data.csv [--out DIR]

Reads data/annotated_data.csv at the recipe's commit (git show, nothing else is run), writes one
<id>.linkedin.md per entry into DIR (default: ../linkedin-recipe next to this script, which is
meant to stay out of version control) and checks every sha256. Standard library only.
Exit status 1 if any text is missing or its hash differs.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECIPE = HERE.parent / "recipes" / "linkedin-kaggle-influencers.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--git-dir", type=Path, help="git directory of the fetched repository")
    src.add_argument("--csv", type=Path, help="the CSV file itself")
    ap.add_argument("--out", type=Path, default=HERE.parent / "linkedin-recipe")
    args = ap.parse_args()

    recipe = json.loads(RECIPE.read_text(encoding="utf-8"))
    if args.git_dir:
        raw = subprocess.run(
            ["git", f"--git-dir={args.git_dir}", "show", f"{recipe['commit']}:{recipe['path']}"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
    else:
        raw = args.csv.read_text(encoding="utf-8")
    csv.field_size_limit(10**9)
    rows = {r["index"]: r for r in csv.DictReader(io.StringIO(raw))}

    args.out.mkdir(parents=True, exist_ok=True)
    bad = 0
    for e in recipe["entries"]:
        row = rows.get(e["row_index"])
        if row is None:
            print(f"missing row {e['row_index']} for {e['id']}", file=sys.stderr)
            bad += 1
            continue
        text = row["content"].strip() + "\n"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        if digest != e["sha256"]:
            print(f"hash mismatch for {e['id']}", file=sys.stderr)
            bad += 1
            continue
        (args.out / f"{e['id']}.linkedin.md").write_text(text, encoding="utf-8")
    print(f"{len(recipe['entries']) - bad} of {len(recipe['entries'])} posts written to {args.out}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
