"""Settings: read once at the edge (flag > environment > .env > default), validated, passed down."""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from dotenv import dotenv_values
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)

from .errors import UsageError
from .files import read_text
from .inputs import AUDIENCE_MAX_CHARS
from .llm import steps
from .publish.platforms import DEFAULT as DEFAULT_PLATFORM
from .publish.platforms import platforms

ENV_FILE_MAX_BYTES = 100_000

DEFAULT_MODEL = "gemini-3.8-flash"
# A judge from another model than the writer reduces self-preference bias. Not gemini-3.5-flash,
# the judge until now: it is deprecated, Google forwards it to 3.6 Flash, and its list price is
# higher than 3.6 Flash's.
DEFAULT_JUDGE_MODEL = "gemini-3.6-flash"
DEFAULT_AUDIENCE = "busy professionals who want practical, specific advice"

# Setting -> environment variable. The API key has two accepted names, handled below.
ENV_NAMES: dict[str, str] = {
    "model": "CONTENT_GEN_MODEL",
    "judge_model": "CONTENT_GEN_JUDGE_MODEL",
    "max_revisions": "CONTENT_GEN_MAX_REVISIONS",
    "output_dir": "CONTENT_GEN_OUTPUT_DIR",
    "request_timeout": "CONTENT_GEN_REQUEST_TIMEOUT",
    "max_retries": "CONTENT_GEN_MAX_RETRIES",
    "max_wait": "CONTENT_GEN_MAX_WAIT",
    "rpm": "CONTENT_GEN_RPM",
    "max_concurrency": "CONTENT_GEN_MAX_CONCURRENCY",
    "audience": "CONTENT_GEN_AUDIENCE",
    "postal_address": "CONTENT_GEN_POSTAL_ADDRESS",
    "blog_min_words": "CONTENT_GEN_BLOG_MIN_WORDS",
    "blog_max_words": "CONTENT_GEN_BLOG_MAX_WORDS",
    "pass_mean": "CONTENT_GEN_PASS_MEAN",
    "pass_min": "CONTENT_GEN_PASS_MIN",
    "prompts_dir": "CONTENT_GEN_PROMPTS_DIR",
    "prices_file": "CONTENT_GEN_PRICES_FILE",
    "max_cost": "CONTENT_GEN_MAX_COST",
    "monthly_budget": "CONTENT_GEN_MONTHLY_BUDGET",
    "thinking_writer": "CONTENT_GEN_THINKING_WRITER",
    "thinking_reviser": "CONTENT_GEN_THINKING_REVISER",
    "thinking_judge": "CONTENT_GEN_THINKING_JUDGE",
    "thinking_plan": "CONTENT_GEN_THINKING_PLAN",
    "revise": "CONTENT_GEN_REVISE",
    "cache_max_mb": "CONTENT_GEN_CACHE_MAX_MB",
    "batch_poll": "CONTENT_GEN_BATCH_POLL",
    "voice": "CONTENT_GEN_VOICE",
    "language": "CONTENT_GEN_LANGUAGE",
    "base_url": "GOOGLE_GEMINI_BASE_URL",
    # Publishing (README, "Publishing").
    "email_platform": "CONTENT_GEN_EMAIL_PLATFORM",
    "cta_url": "CONTENT_GEN_CTA_URL",
    "site_generator": "CONTENT_GEN_SITE_GENERATOR",
    "blog_h1": "CONTENT_GEN_BLOG_H1",
    "blog_dir": "CONTENT_GEN_BLOG_DIR",
    "email_dir": "CONTENT_GEN_EMAIL_DIR",
    "social_dir": "CONTENT_GEN_SOCIAL_DIR",
    "post_time": "CONTENT_GEN_POST_TIME",
    "wordpress_url": "CONTENT_GEN_WORDPRESS_URL",
    "wordpress_user": "CONTENT_GEN_WORDPRESS_USER",
    "wordpress_app_password": "CONTENT_GEN_WORDPRESS_APP_PASSWORD",
}
API_KEY_NAMES = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
#: Never printed, logged or written: left out of run.json, "(hidden)" in error messages.
SECRETS = frozenset({"api_key", "wordpress_app_password"})
# Flags whose name is not simply the setting's name with dashes.
_FLAGS = {"output_dir": "--out"}

_MODEL_NAME = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"
_URL = r"^https?://[^\s<>\"']+$"
SITE_GENERATORS = ("plain", "hugo", "jekyll", "astro")
SiteGenerator = Literal["plain", "hugo", "jekyll", "astro"]
Thinking = Literal["default", "minimal", "low", "medium", "high"]


class Settings(BaseModel):
    """Everything that shapes a run and outlives it. Per-topic input lives in the job, not here."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    api_key: SecretStr | None = None
    model: str = Field(DEFAULT_MODEL, pattern=_MODEL_NAME)
    judge_model: str = Field(DEFAULT_JUDGE_MODEL, pattern=_MODEL_NAME)
    max_revisions: int = Field(2, ge=0, le=10)
    output_dir: Path = Path("output")
    # The SDK takes whole milliseconds and treats 0 as "no timeout": under 1 ms cannot be kept.
    request_timeout: float = Field(60.0, ge=0.001, le=3600)
    max_retries: int = Field(4, ge=0, le=20)
    #: The longest a request waits before a retry; a server asking for longer fails it at once.
    max_wait: float = Field(120.0, ge=1, le=3600)
    rpm: int = Field(0, ge=0, le=1_000_000, description="requests per minute; 0 = no limit")
    max_concurrency: int = Field(8, ge=1, le=256)
    audience: str = Field(DEFAULT_AUDIENCE, min_length=1, max_length=AUDIENCE_MAX_CHARS)
    postal_address: str | None = Field(None, max_length=500)
    blog_min_words: int = Field(1000, ge=0, le=100_000)
    blog_max_words: int = Field(2000, ge=1, le=100_000)
    pass_mean: float = Field(4.0, ge=1, le=5)
    pass_min: int = Field(3, ge=1, le=5)
    prompts_dir: Path | None = None
    #: A price table of your own, over the bundled one (llm/data/prices.toml).
    prices_file: Path | None = None
    #: US dollars one run may spend (--max-cost); None: no cap.
    max_cost: float | None = Field(None, ge=0, le=1_000_000)
    #: US dollars calendar runs may spend in a calendar month (UTC); None: no budget.
    monthly_budget: float | None = Field(None, ge=0, le=1_000_000)
    # Thinking is billed as output: low costs a fraction of the models' default (high) and
    # still plans the piece; the plan, one call a topic that checks quotes, thinks a little more.
    thinking_writer: Thinking = "low"
    thinking_reviser: Thinking = "low"
    thinking_judge: Thinking = "low"
    thinking_plan: Thinking = "medium"
    #: How a revision comes back: as edits (find/replace), as a whole new piece, or as edits
    #: where the piece is long enough for them to be cheaper.
    revise: Literal["auto", "edits", "rewrite"] = "auto"
    #: The response cache's size, in MB (output/.cache); the oldest entries go first.
    cache_max_mb: int = Field(100, ge=1, le=100_000)
    #: Seconds between looks at a running batch job.
    batch_poll: float = Field(30.0, ge=0.1, le=3600)
    #: A voice kit folder (style guide, word rules, samples); checked when a run starts.
    voice: Path | None = None
    #: The language the pieces are written in, a BCP 47 tag; None: English, and no check.
    language: str | None = None
    base_url: str | None = Field(None, pattern=r"^https?://\S+$")
    email_platform: str = DEFAULT_PLATFORM
    cta_url: str | None = Field(None, pattern=_URL, max_length=2000)
    site_generator: SiteGenerator = "plain"
    #: Whether the blog file repeats the title as an H1 (most themes render it already).
    blog_h1: bool = False
    blog_dir: Path | None = None
    email_dir: Path | None = None
    social_dir: Path | None = None
    #: The time of day (local) the social CSV schedules each post for, on its entry's date.
    post_time: str = Field("09:00", pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")
    wordpress_url: str | None = Field(None, pattern=_URL)
    wordpress_user: str | None = Field(None, min_length=1, max_length=200)
    wordpress_app_password: SecretStr | None = None

    @field_validator(
        "audience",
        "postal_address",
        "model",
        "judge_model",
        "cta_url",
        "wordpress_url",
        "wordpress_user",
        mode="before",
    )
    @classmethod
    def _strip(cls, value: str | None) -> str | None:
        return value.strip() if isinstance(value, str) else value

    @field_validator("site_generator", "email_platform", mode="before")
    @classmethod
    def _name(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("email_platform")
    @classmethod
    def _known_platform(cls, value: str) -> str:
        if value not in platforms():
            raise ValueError(f"choose from {', '.join(platforms())}")
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        from .quality.language import check_tag  # its model loads only when a piece is read

        return None if value is None else check_tag(value)

    @field_validator(
        "output_dir",
        "prompts_dir",
        "blog_dir",
        "email_dir",
        "social_dir",
        "voice",
        "prices_file",
        mode="before",
    )
    @classmethod
    def _home(cls, value: object) -> object:
        # "~/content" from .env or the environment: no shell has expanded it.
        return Path(value).expanduser() if isinstance(value, str | Path) else value

    def step_model(self, step: str) -> str:
        """The model a step of the run asks: the judge judges, the writer does the rest."""
        return self.judge_model if step == "judge" else self.model

    def thinking(self, step: str) -> steps.Thinking:
        """How long `step` may think, as its model takes it (another step thinks as a draft)."""
        setting = steps.STEP_SETTINGS.get(step, steps.STEP_SETTINGS["draft"])
        return steps.thinking(self.step_model(step), getattr(self, setting))

    def secrets(self) -> tuple[str, ...]:
        """The secret values set (the API key, the WordPress application password): what
        every output is redacted of."""
        found = (getattr(self, name) for name in sorted(SECRETS))
        return tuple(s.get_secret_value() for s in found if s is not None)

    def public(self) -> dict[str, Any]:
        """The settings as recorded in run.json: no secrets, paths as strings."""
        return self.model_dump(mode="json", exclude=set(SECRETS))


def load_settings(
    cli: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
) -> Settings:
    """Merge the sources, highest first: CLI flags, environment, .env, defaults.

    Empty values count as unset, so a copied `.env.example` with blank lines changes nothing.
    Raises UsageError naming the setting, where it came from and the bad value.
    """
    environ = {} if environ is None else environ
    file_values = _env_file(env_file)
    layers: list[tuple[str, Mapping[str, Any]]] = [
        (".env", file_values),
        ("environment", environ),
    ]

    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for source, layer in layers:
        for field, name in ENV_NAMES.items():
            raw = layer.get(name)
            if raw is not None and str(raw).strip() != "":
                values[field] = raw
                origin[field] = f"{name} (from {source})"
        for name in reversed(API_KEY_NAMES):  # GEMINI_API_KEY wins over GOOGLE_API_KEY
            raw = layer.get(name)
            if raw is not None and str(raw).strip() != "":
                values["api_key"] = str(raw).strip()
                origin["api_key"] = f"{name} (from {source})"
    for field, value in (cli or {}).items():
        if value is None:
            continue
        flag = _FLAGS.get(field, "--" + field.replace("_", "-"))
        if isinstance(value, str) and not value.strip():
            # An empty --out would otherwise mean "the current directory".
            raise UsageError(f"invalid setting {flag}: {value!r}: must not be empty")
        values[field] = value
        origin[field] = flag

    try:
        settings = Settings(**values)
    except ValidationError as exc:
        raise UsageError(_describe(exc, values, origin)) from None
    for step, name in steps.STEP_SETTINGS.items():
        try:
            settings.thinking(step)
        except ValueError as exc:
            if name not in origin:  # a default the model cannot take: it thinks as it does
                settings = settings.model_copy(update={name: "default"})
                continue
            shown = repr(getattr(settings, name))
            raise UsageError(f"invalid setting {origin[name]}: {shown}: {exc}") from None
    if settings.prices_file is not None:
        from .llm.prices import load_prices

        try:
            load_prices(settings.prices_file)
        except UsageError as exc:
            raise UsageError(f"invalid setting {origin['prices_file']}: {exc}") from None
    if settings.blog_min_words > settings.blog_max_words:
        low = origin.get("blog_min_words", "CONTENT_GEN_BLOG_MIN_WORDS (default)")
        high = origin.get("blog_max_words", "CONTENT_GEN_BLOG_MAX_WORDS (default)")
        raise UsageError(
            f"invalid setting {low}: {settings.blog_min_words} is larger than "
            f"{high}: {settings.blog_max_words}"
        )
    return settings


def _env_file(path: Path | None) -> Mapping[str, str | None]:
    """The `.env` file's settings; none if there is no such file."""
    if path is None or not (path.exists() or path.is_symlink()):
        return {}
    text = read_text(path, label="settings file", limit=ENV_FILE_MAX_BYTES)
    return dotenv_values(stream=io.StringIO(text))


def _describe(exc: ValidationError, values: Mapping[str, Any], origin: Mapping[str, str]) -> str:
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else "?"
    where = origin.get(field, ENV_NAMES.get(field, field))
    shown = "(hidden)" if field in SECRETS else repr(values.get(field))
    message = _FRIENDLY.get((field, error["type"])) or _FRIENDLY.get(("*", error["type"]))
    if message is None and error["type"] == "value_error":
        message = str(error.get("ctx", {}).get("error", ""))  # our own validators' words
    if not message:
        message = str(error["msg"])
        message = message[0].lower() + message[1:]
    return f"invalid setting {where}: {shown}: {message}"


# Pydantic's wording, where it talks about types and regexes rather than what to type.
_FRIENDLY = {
    ("*", "int_parsing"): "expected a whole number",
    ("*", "int_from_float"): "expected a whole number",
    ("*", "float_parsing"): "expected a number",
    ("model", "string_pattern_mismatch"): f"expected a model name such as {DEFAULT_MODEL}",
    ("judge_model", "string_pattern_mismatch"): f"expected a model name such as {DEFAULT_MODEL}",
    ("base_url", "string_pattern_mismatch"): "expected an http:// or https:// URL",
    ("cta_url", "string_pattern_mismatch"): "expected an http:// or https:// URL",
    ("wordpress_url", "string_pattern_mismatch"): "expected your site's http:// or https:// URL",
    ("post_time", "string_pattern_mismatch"): "expected a time of day as HH:MM, e.g. 09:00",
    ("site_generator", "literal_error"): f"choose from {', '.join(SITE_GENERATORS)}",
    ("*", "bool_parsing"): "expected true or false",
}
