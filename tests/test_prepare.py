"""What a session does once, when it opens, before any request."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_orchestrator import ScriptedLLM

from content_gen import channels
from content_gen.config import Settings
from content_gen.errors import UsageError
from content_gen.pipeline.session import Session
from content_gen.quality import tells


def test_a_rule_file_with_a_mistake_stops_the_session_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "tells.toml"
    broken.write_text('[[tell]]\nid = "x"\ndetect = "sideways"\n', encoding="utf-8")
    monkeypatch.setattr(tells, "_TELLS_FILE", broken)
    llm = ScriptedLLM()

    settings = Settings(output_dir=tmp_path / "out")
    with pytest.raises(UsageError, match=r"tells\.toml: tell 'x': detect must be one of"):
        Session.open(settings, channels.parse(None), llm=llm).__enter__()

    assert llm.requests == [] and not llm.connected
