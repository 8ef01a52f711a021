"""`python -m content_gen.fake`: serve the fake Gemini API for trying content-gen without a key."""

from __future__ import annotations

import argparse
import threading

from .server import FakeGemini


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m content_gen.fake",
        description="Serve a fake Gemini API on 127.0.0.1 for trying content-gen without a key.",
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per call")
    parser.add_argument("--judge-fail-rate", type=float, default=0.0)
    parser.add_argument("--rpm-limit", type=int, default=None)
    args = parser.parse_args(argv)
    fake = FakeGemini(
        latency=args.latency,
        judge_fail_rate=args.judge_fail_rate,
        rpm_limit=args.rpm_limit,
        port=args.port,
    ).start()
    print(f"fake Gemini listening on {fake.url}; set GOOGLE_GEMINI_BASE_URL={fake.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
    return 0


raise SystemExit(main())
