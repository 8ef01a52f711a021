"""The reply schema is generated once per model, yet Gemini gets exactly the request it got."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import TEST_KEY
from google import genai
from google.genai import types
from pydantic import BaseModel

from content_gen import channels
from content_gen.fake import FakeGemini
from content_gen.fake import replies as fake_gemini
from content_gen.llm.gemini import API_VERSION
from content_gen.llm.seam import LLMRequest
from content_gen.llm.steps import max_output_tokens
from content_gen.quality.judge import Judgement


@pytest.mark.parametrize(
    "schema", [*(c.schema for c in channels.parse(None)), Judgement], ids=lambda s: s.__name__
)
def test_generation_config_is_what_the_sdk_sends_for_the_model(
    schema: type[BaseModel], fake: FakeGemini, runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[Any] = []
    real = fake_gemini.schema_of

    def capture(body: dict[str, Any]) -> dict[str, Any]:
        sent.append(body["generationConfig"])
        return real(body)

    monkeypatch.setattr(fake_gemini, "schema_of", capture)
    step = "judge" if schema is Judgement else "draft"
    llm = runtime().llm
    for _ in range(2):  # the second request must not see the first one's edits
        reply = llm.generate(LLMRequest("m", "Topic: AI", schema, "other", step))
        assert isinstance(reply.value, schema)
    options = types.HttpOptions(base_url=fake.url, api_version=API_VERSION)
    sdk = genai.Client(api_key=TEST_KEY, http_options=options)
    sdk.models.generate_content(
        model="m",
        contents="Topic: AI",
        config=types.GenerateContentConfig(
            response_mime_type="application/json",
            response_schema=schema,
            max_output_tokens=max_output_tokens(step),
            thinking_config=types.ThinkingConfig(thinking_level="LOW"),
        ),
    )

    sdk.close()

    assert sent[0] == sent[1] == sent[2]
    assert sent[0]["responseSchema"]["properties"]
