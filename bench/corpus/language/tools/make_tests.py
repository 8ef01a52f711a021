"""Derive the test sets from corpus/ (run after build_corpus.py); deterministic.

corpus/mixed/*.md    two languages: paragraphs of piece A (expected language) then/with
                     paragraphs of piece B (the intruder), at 50 %, 25 % and 10 % of the words
corpus/quoted/*.md   one language with an English block quote, an inline English quote, a code
                     block, or English product names: must NOT count as mixed
corpus/short.json    newsletter-subject-like titles, LinkedIn-hook-like first sentences and
                     LinkedIn-post-sized excerpts (first paragraphs, 300-700 chars)
Each derived piece records its ingredients in corpus/derived.json.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["en", "de", "es", "fr", "pt", "it", "nl", "ja", "zh", "pl"]
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def words(text: str) -> float:
    """Word-equivalents: Latin-script words plus CJK characters / 2 (see REPORT.md)."""
    cjk = len(CJK.findall(text))
    return len(LATIN_WORD.findall(CJK.sub(" ", text))) + cjk / 2


def pieces() -> dict[str, list[dict]]:
    manifest = json.loads((ROOT / "manifest.json").read_text())
    by = {lang: [] for lang in LANGS}
    for m in manifest:
        if m.get("real_mixed"):
            continue
        m["text"] = (ROOT / m["path"]).read_text()
        by[m["language"]].append(m)
    return by


def paras(text: str) -> list[str]:
    """Prose paragraphs (no headings, code, quotes, lists) of at least 15 word-equivalents."""
    out = []
    for b in re.split(r"\n\s*\n", text):
        b = b.strip()
        if b.startswith(("#", "```", ">", "*", "-", "|", "1.")) or words(b) < 15:
            continue
        out.append(b)
    return out


def take(ps: list[str], budget: float) -> list[str]:
    got, n = [], 0.0
    for p in ps:
        if n >= budget:
            break
        got.append(p)
        n += words(p)
    return got


PAIRS = [
    ("de", "en"),
    ("en", "de"),
    ("es", "en"),
    ("fr", "en"),
    ("pt", "en"),
    ("it", "en"),
    ("nl", "en"),
    ("ja", "en"),
    ("zh", "en"),
    ("pl", "en"),
    ("pt", "es"),
    ("es", "pt"),
    ("nl", "de"),
    ("de", "nl"),
    ("it", "es"),
    ("fr", "it"),
    ("es", "fr"),
    ("pl", "de"),
    ("ja", "zh"),
    ("zh", "ja"),
    ("en", "fr"),
    ("it", "pt"),
]


def make_mixed(by: dict[str, list[dict]], rng: random.Random) -> list[dict]:
    out = []
    for share in (0.5, 0.25, 0.1):
        for i, (a, b) in enumerate(PAIRS):
            if share < 0.5 and i % 2:  # fewer pieces at the lower shares
                continue
            host = rng.choice([p for p in by[a] if len(paras(p["text"])) >= 6])
            guest = rng.choice([p for p in by[b] if len(paras(p["text"])) >= 4])
            hp, gp = paras(host["text"]), paras(guest["text"])
            total = sum(words(p) for p in hp[:8])
            if share == 0.5:
                body_a = take(hp, total / 2)
                body_b = take(gp, sum(words(p) for p in body_a))
                body = body_a + body_b
            else:
                body_a = hp[:8]
                target = share / (1 - share) * sum(words(p) for p in body_a)
                body_b = [gp[0]]
                for p in gp[1:]:
                    if sum(words(x) for x in body_b) + words(p) / 2 > target:
                        break
                    body_b.append(p)
                mid = len(body_a) // 2
                body = body_a[:mid] + body_b + body_a[mid:]
            title = host["text"].split("\n", 1)[0]
            text = title + "\n\n" + "\n\n".join(body) + "\n"
            w_b = sum(words(p) for p in body_b)
            out.append(
                dict(
                    kind="mixed",
                    expected=a,
                    intruder=b,
                    target_share=share,
                    share=round(w_b / sum(words(p) for p in body), 3),
                    host=host["path"],
                    guest=guest["path"],
                    text=text,
                )
            )
    return out


QUOTE_MARKS = {
    "de": ("„", "“"),
    "fr": ("« ", " »"),
    "ja": ("「", "」"),
    "zh": ("“", "”"),
    "pl": ("„", "”"),
    "nl": ("\u2018", "\u2019"),
}
PRODUCTS = [
    "GitHub Copilot",
    "Visual Studio Code",
    "Google Workspace",
    "Microsoft Teams",
    "Notion AI",
    "Slack Huddles",
    "Amazon Web Services",
    "Adobe Creative Cloud",
]


def en_sentences(by: dict[str, list[dict]]) -> list[str]:
    out = []
    for p in by["en"]:
        for para in paras(p["text"]):
            for s in re.split(r"(?<=[.!?])\s+", para):
                if 12 <= len(s.split()) <= 30 and not re.search(r"[`\[\]()*_]", s):
                    out.append(s)
    return out


def en_code(by: dict[str, list[dict]]) -> list[str]:
    blocks = []
    for p in by["en"]:
        blocks += [
            m.group(0) for m in re.finditer(r"^```.*?^```$", p["text"], re.MULTILINE | re.DOTALL)
        ]
    return [b for b in blocks if 3 <= b.count("\n") <= 14]


def make_quoted(by: dict[str, list[dict]], rng: random.Random) -> list[dict]:
    sents, code = en_sentences(by), en_code(by)
    hosts = [lang for lang in LANGS if lang != "en"]
    out = []
    kinds = ["blockquote", "inline-quote", "code", "product-names"]
    for i in range(24):
        kind, lang = kinds[i % 4], hosts[i % len(hosts)]
        host = rng.choice([p for p in by[lang] if len(paras(p["text"])) >= 5])
        blocks = re.split(r"\n\s*\n", host["text"].strip())
        blocks = blocks[:12]
        at = len(blocks) // 2
        if kind == "blockquote":
            q = " ".join(rng.sample(sents, 2))
            ins = [f"> {q}\n>\n> — opensource.guide"]
        elif kind == "inline-quote":
            o, c = QUOTE_MARKS.get(lang, ("“", "”"))
            q = rng.choice(sents)
            blocks[at] = blocks[at].rstrip() + f" {o}{q}{c}"
            ins = []
        elif kind == "code":
            ins = [rng.choice(code)]
            blocks[at] = blocks[at].rstrip() + " `npm install react-dom@latest`"
        else:
            names = rng.sample(PRODUCTS, 5)
            ins = ["\n".join(f"- {n}" for n in names)]
            blocks[at] = blocks[at].rstrip() + f" ({names[0]}, {names[1]}, {names[2]})"
        text = "\n\n".join(blocks[: at + 1] + ins + blocks[at + 1 :]) + "\n"
        out.append(dict(kind=kind, expected=lang, host=host["path"], text=text))
    return out


def first_sentence(text: str) -> str | None:
    for b in re.split(r"\n\s*\n", text)[1:]:
        b = b.strip()
        if b.startswith(("#", "```", ">", "*", "-", "|", "<")):
            continue
        m = re.match(r"(.+?[.!?。！？])(\s|$)", b.replace("\n", " "))
        s = m.group(1) if m else b
        return s if 20 <= len(s) <= 220 else None
    return None


def post_excerpt(text: str) -> str | None:
    """The first prose paragraphs, 300-700 characters: the size of a short LinkedIn post."""
    got, n = [], 0
    for b in re.split(r"\n\s*\n", text)[1:]:
        b = b.strip()
        if b.startswith(("#", "```", ">", "|", "<")):
            continue
        if n + len(b) > 700:
            break
        got.append(b)
        n += len(b) + 2
        if n >= 300:
            return "\n\n".join(got)
    return None


def make_short(by: dict[str, list[dict]]) -> list[dict]:
    out = []
    for lang, ps in by.items():
        for p in ps:
            title = p["text"].split("\n", 1)[0].lstrip("# ").strip()
            if 10 <= len(title) <= 90:
                out.append(dict(kind="subject", expected=lang, text=title, src=p["path"]))
            post = post_excerpt(p["text"])
            if post:
                out.append(dict(kind="post", expected=lang, text=post, src=p["path"]))
            hook = first_sentence(p["text"])
            if hook:
                out.append(dict(kind="hook", expected=lang, text=hook, src=p["path"]))
    return out


def main() -> None:
    rng = random.Random(20261121)
    by = pieces()
    derived = []
    for kind, items in (("mixed", make_mixed(by, rng)), ("quoted", make_quoted(by, rng))):
        folder = ROOT / kind
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.md"):
            old.unlink()
        for i, item in enumerate(items):
            name = f"{kind}/{i:02d}-{item['expected']}.md"
            (ROOT / name).write_text(item.pop("text"))
            item["path"] = name
            item["sha256"] = hashlib.sha256((ROOT / name).read_bytes()).hexdigest()
            derived.append(item)
    (ROOT / "derived.json").write_text(json.dumps(derived, indent=1, ensure_ascii=False) + "\n")
    short = make_short(by)
    (ROOT / "short.json").write_text(json.dumps(short, indent=0, ensure_ascii=False) + "\n")
    from collections import Counter

    print(Counter((d.get("target_share", d["kind"])) for d in derived))
    print(Counter((s["kind"], s["expected"]) for s in short))


if __name__ == "__main__":
    main()
