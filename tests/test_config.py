"""Settings: flag > environment > .env > default, validated, with errors that say where to look."""

from __future__ import annotations

from pathlib import Path

import pytest

from content_gen.config import (
    DEFAULT_AUDIENCE,
    DEFAULT_JUDGE_MODEL,
    DEFAULT_MODEL,
    ENV_NAMES,
    Settings,
    load_settings,
)
from content_gen.errors import UsageError

SECRET = "AIzaSyD-test-secret-0123456789abcdef"


@pytest.fixture
def env_file(tmp_path: Path):
    """Write a .env in tmp_path and return its path."""

    def write(*lines: str) -> Path:
        path = tmp_path / ".env"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return write


def load(cli=None, environ=None, env_file: Path | None = None) -> Settings:
    return load_settings(cli=cli, environ=environ or {}, env_file=env_file)


def usage_error(**kwargs) -> str:
    with pytest.raises(UsageError) as info:
        load(**kwargs)
    return str(info.value)


# --- defaults and precedence ----------------------------------------------------------------


def test_defaults(tmp_path: Path) -> None:
    settings = load(env_file=tmp_path / ".env")  # no such file
    assert settings.api_key is None
    assert settings.model == DEFAULT_MODEL
    assert settings.judge_model == DEFAULT_JUDGE_MODEL
    assert settings.max_revisions == 2
    assert settings.output_dir == Path("output")
    assert settings.request_timeout == 60.0
    assert settings.max_retries == 4
    assert settings.rpm == 0
    assert settings.max_concurrency == 8
    assert settings.audience == DEFAULT_AUDIENCE
    assert settings.postal_address is None
    assert (settings.blog_min_words, settings.blog_max_words) == (1000, 2000)
    assert (settings.pass_mean, settings.pass_min) == (4.0, 3)
    assert settings.prompts_dir is None
    assert settings.base_url is None


def test_no_env_file_argument_reads_nothing_from_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("CONTENT_GEN_MAX_REVISIONS=7\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load(env_file=None).max_revisions == 2


class TestPrecedence:
    def test_env_file_beats_default(self, env_file) -> None:
        assert load(env_file=env_file("CONTENT_GEN_MAX_REVISIONS=3")).max_revisions == 3

    def test_environment_beats_env_file(self, env_file) -> None:
        settings = load(
            environ={"CONTENT_GEN_MAX_REVISIONS": "4"},
            env_file=env_file("CONTENT_GEN_MAX_REVISIONS=3"),
        )
        assert settings.max_revisions == 4

    def test_cli_beats_environment_and_env_file(self, env_file) -> None:
        settings = load(
            cli={"max_revisions": "5"},
            environ={"CONTENT_GEN_MAX_REVISIONS": "4"},
            env_file=env_file("CONTENT_GEN_MAX_REVISIONS=3"),
        )
        assert settings.max_revisions == 5

    def test_cli_none_means_not_given(self, env_file) -> None:
        settings = load(
            cli={"max_revisions": None, "model": None},
            environ={"CONTENT_GEN_MAX_REVISIONS": "4"},
            env_file=env_file("CONTENT_GEN_MODEL=gemini-2.5-pro"),
        )
        assert settings.max_revisions == 4
        assert settings.model == "gemini-2.5-pro"

    def test_each_setting_from_its_own_layer(self, env_file) -> None:
        settings = load(
            cli={"output_dir": "runs/today"},
            environ={"CONTENT_GEN_AUDIENCE": "founders of B2B startups"},
            env_file=env_file(
                "CONTENT_GEN_POSTAL_ADDRESS=Acme Analytics, 123 Main Street, Springfield",
                "CONTENT_GEN_RPM=15",
                "GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:8089",
            ),
        )
        assert settings.output_dir == Path("runs/today")
        assert settings.audience == "founders of B2B startups"
        assert settings.postal_address == "Acme Analytics, 123 Main Street, Springfield"
        assert settings.rpm == 15
        assert settings.base_url == "http://127.0.0.1:8089"

    def test_values_are_converted_and_stripped(self, env_file) -> None:
        settings = load(
            environ={
                "CONTENT_GEN_REQUEST_TIMEOUT": "12.5",
                "CONTENT_GEN_AUDIENCE": "  engineering managers  ",
                "CONTENT_GEN_PROMPTS_DIR": "my-prompts",
            }
        )
        assert settings.request_timeout == 12.5
        assert settings.audience == "engineering managers"
        assert settings.prompts_dir == Path("my-prompts")

    def test_os_environ_is_not_read(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CONTENT_GEN_MAX_REVISIONS", "9")
        monkeypatch.setenv("GEMINI_API_KEY", SECRET)
        settings = load_settings(environ={}, env_file=None)
        assert settings.max_revisions == 2
        assert settings.api_key is None


class TestEmptyValues:
    def test_empty_values_count_as_unset(self, env_file) -> None:
        settings = load(
            environ={"CONTENT_GEN_AUDIENCE": "   ", "CONTENT_GEN_RPM": ""},
            env_file=env_file(
                "CONTENT_GEN_MODEL=",
                "CONTENT_GEN_MAX_REVISIONS=",
                "CONTENT_GEN_POSTAL_ADDRESS=",
                "GEMINI_API_KEY=",
            ),
        )
        assert settings.model == DEFAULT_MODEL
        assert settings.max_revisions == 2
        assert settings.postal_address is None
        assert settings.audience == DEFAULT_AUDIENCE
        assert settings.rpm == 0
        assert settings.api_key is None

    def test_empty_environment_value_does_not_hide_env_file(self, env_file) -> None:
        settings = load(
            environ={"CONTENT_GEN_MAX_REVISIONS": "", "GEMINI_API_KEY": " "},
            env_file=env_file("CONTENT_GEN_MAX_REVISIONS=5", f"GEMINI_API_KEY={SECRET}"),
        )
        assert settings.max_revisions == 5
        assert settings.api_key is not None
        assert settings.api_key.get_secret_value() == SECRET

    def test_copied_env_example_with_comments_changes_nothing(self, env_file) -> None:
        path = env_file(
            "# Get a key at https://aistudio.google.com/apikey",
            "GEMINI_API_KEY=",
            "# CONTENT_GEN_MODEL=gemini-2.5-pro",
            "CONTENT_GEN_OUTPUT_DIR=",
            "",
        )
        assert load(env_file=path) == load()


class TestApiKey:
    def test_gemini_key_wins_over_google_key(self) -> None:
        settings = load(environ={"GOOGLE_API_KEY": "google-key", "GEMINI_API_KEY": SECRET})
        assert settings.api_key is not None
        assert settings.api_key.get_secret_value() == SECRET

    def test_gemini_key_wins_in_env_file_too(self, env_file) -> None:
        settings = load(env_file=env_file(f"GEMINI_API_KEY={SECRET}", "GOOGLE_API_KEY=google-key"))
        assert settings.api_key is not None
        assert settings.api_key.get_secret_value() == SECRET

    def test_google_key_alone_works(self) -> None:
        settings = load(environ={"GOOGLE_API_KEY": f"  {SECRET}  "})
        assert settings.api_key is not None
        assert settings.api_key.get_secret_value() == SECRET

    def test_environment_key_beats_env_file_key(self, env_file) -> None:
        settings = load(
            environ={"GEMINI_API_KEY": SECRET},
            env_file=env_file("GEMINI_API_KEY=stale-key-from-dotenv"),
        )
        assert settings.api_key is not None
        assert settings.api_key.get_secret_value() == SECRET


# --- invalid values -------------------------------------------------------------------------


class TestInvalidValues:
    def test_non_numeric_from_env_file(self, env_file) -> None:
        message = usage_error(env_file=env_file("CONTENT_GEN_MAX_REVISIONS=two"))
        assert "CONTENT_GEN_MAX_REVISIONS" in message
        assert "from .env" in message
        assert "'two'" in message

    def test_out_of_range_from_environment(self) -> None:
        message = usage_error(environ={"CONTENT_GEN_MAX_REVISIONS": "50"})
        assert "CONTENT_GEN_MAX_REVISIONS" in message
        assert "from environment" in message
        assert "'50'" in message
        assert "10" in message  # the limit

    def test_out_of_range_from_the_flag(self) -> None:
        message = usage_error(
            cli={"max_revisions": "-1"}, environ={"CONTENT_GEN_MAX_REVISIONS": "3"}
        )
        assert "--max-revisions" in message
        assert "'-1'" in message
        assert "from environment" not in message

    def test_negative_timeout(self) -> None:
        message = usage_error(environ={"CONTENT_GEN_REQUEST_TIMEOUT": "-5"})
        assert "CONTENT_GEN_REQUEST_TIMEOUT" in message
        assert "from environment" in message
        assert "'-5'" in message

    @pytest.mark.parametrize("name", ["gemini 2.5 flash", "-gemini", "gemini?pro", "models\\x"])
    def test_bad_model_name(self, name: str) -> None:
        message = usage_error(cli={"model": name})
        assert "--model" in message
        assert repr(name) in message

    def test_bad_judge_model_from_env_file(self, env_file) -> None:
        message = usage_error(env_file=env_file('CONTENT_GEN_JUDGE_MODEL="gemini flash"'))
        assert "CONTENT_GEN_JUDGE_MODEL (from .env)" in message
        assert "'gemini flash'" in message

    @pytest.mark.parametrize("url", ["ftp://proxy.local", "localhost:8089", "http://a b"])
    def test_bad_base_url(self, env_file, url: str) -> None:
        message = usage_error(env_file=env_file(f'GOOGLE_GEMINI_BASE_URL="{url}"'))
        assert "GOOGLE_GEMINI_BASE_URL" in message
        assert "from .env" in message
        assert repr(url) in message

    def test_output_dir_error_names_the_out_flag(self) -> None:
        message = usage_error(cli={"output_dir": 42})
        assert "invalid setting --out: 42" in message

    def test_output_dir_from_environment(self) -> None:
        settings = load(environ={"CONTENT_GEN_OUTPUT_DIR": "/srv/content"})
        assert settings.output_dir == Path("/srv/content")

    def test_concurrency_zero(self) -> None:
        message = usage_error(environ={"CONTENT_GEN_MAX_CONCURRENCY": "0"})
        assert "CONTENT_GEN_MAX_CONCURRENCY (from environment)" in message
        assert "'0'" in message

    def test_pass_mean_not_a_number(self, env_file) -> None:
        message = usage_error(env_file=env_file("CONTENT_GEN_PASS_MEAN=4.5x"))
        assert "CONTENT_GEN_PASS_MEAN (from .env)" in message
        assert "'4.5x'" in message

    def test_pass_min_out_of_range(self) -> None:
        message = usage_error(environ={"CONTENT_GEN_PASS_MIN": "6"})
        assert "CONTENT_GEN_PASS_MIN (from environment)" in message
        assert "'6'" in message

    def test_blog_min_above_max(self, env_file) -> None:
        message = usage_error(
            environ={"CONTENT_GEN_BLOG_MIN_WORDS": "2500"},
            env_file=env_file("CONTENT_GEN_BLOG_MAX_WORDS=1800"),
        )
        assert "CONTENT_GEN_BLOG_MIN_WORDS" in message
        assert "CONTENT_GEN_BLOG_MAX_WORDS" in message
        assert "2500" in message
        assert "1800" in message

    def test_blog_min_above_max_says_where_each_value_came_from(self, env_file) -> None:
        message = usage_error(
            environ={"CONTENT_GEN_BLOG_MIN_WORDS": "2500"},
            env_file=env_file("CONTENT_GEN_BLOG_MAX_WORDS=1800"),
        )
        assert "from environment" in message
        assert "from .env" in message

    def test_blog_min_equal_to_max_is_fine(self) -> None:
        settings = load(
            environ={"CONTENT_GEN_BLOG_MIN_WORDS": "1200", "CONTENT_GEN_BLOG_MAX_WORDS": "1200"}
        )
        assert settings.blog_min_words == settings.blog_max_words == 1200

    def test_unknown_cli_setting_is_refused(self) -> None:
        message = usage_error(cli={"max_revison": "3"})
        assert "--max-revison" in message

    def test_settings_are_frozen(self) -> None:
        settings = load()
        with pytest.raises(ValueError):
            settings.max_revisions = 5  # type: ignore[misc]


# --- the API key never leaks ----------------------------------------------------------------


class TestSecrecy:
    def test_key_not_in_repr_str_or_public(self) -> None:
        settings = load(environ={"GEMINI_API_KEY": SECRET})
        assert SECRET not in repr(settings)
        assert SECRET not in str(settings)
        public = settings.public()
        assert "api_key" not in public
        assert SECRET not in str(public)

    def test_public_is_json_ready(self) -> None:
        public = load(cli={"output_dir": "runs"}, environ={"GEMINI_API_KEY": SECRET}).public()
        assert public["output_dir"] == "runs"
        assert public["model"] == DEFAULT_MODEL

    @pytest.mark.parametrize(
        "bad",
        [
            {"CONTENT_GEN_MODEL": "gemini flash"},
            {"CONTENT_GEN_MAX_REVISIONS": "lots"},
            {"CONTENT_GEN_BLOG_MIN_WORDS": "5000"},
        ],
    )
    def test_key_not_in_error_messages(self, bad: dict[str, str]) -> None:
        message = usage_error(environ={"GEMINI_API_KEY": SECRET, **bad})
        assert SECRET not in message

    def test_key_not_in_error_for_the_key_itself(self) -> None:
        message = usage_error(cli={"api_key": [SECRET]})
        assert SECRET not in message
        assert "(hidden)" in message


def test_an_empty_flag_is_refused_not_taken_as_the_current_directory() -> None:
    message = usage_error(cli={"output_dir": ""}, environ={"CONTENT_GEN_OUTPUT_DIR": "elsewhere"})
    assert message == "invalid setting --out: '': must not be empty"


def test_model_names_are_trimmed_before_they_are_checked() -> None:
    settings = load(environ={"CONTENT_GEN_MODEL": " gemini-2.5-flash \n"})
    assert settings.model == "gemini-2.5-flash"


# --- publishing ---------------------------------------------------------------------------------

WP_PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"


class TestPublishingSettings:
    def test_defaults_change_nothing_the_tool_wrote_before(self) -> None:
        settings = load()
        assert (settings.email_platform, settings.site_generator) == ("plain", "plain")
        assert settings.blog_h1 is False and settings.cta_url is None
        assert settings.post_time == "09:00"

    def test_names_are_read_in_any_case(self) -> None:
        settings = load(
            environ={
                "CONTENT_GEN_EMAIL_PLATFORM": " Mailchimp ",
                "CONTENT_GEN_SITE_GENERATOR": "Hugo",
            }
        )
        assert (settings.email_platform, settings.site_generator) == ("mailchimp", "hugo")

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            (
                "CONTENT_GEN_EMAIL_PLATFORM",
                "mailchimpp",
                "choose from mailchimp, kit, buttondown, brevo, mailerlite, beehiiv, plain",
            ),
            ("CONTENT_GEN_SITE_GENERATOR", "gatsby", "choose from plain, hugo, jekyll, astro"),
            ("CONTENT_GEN_BLOG_H1", "maybe", "expected true or false"),
            ("CONTENT_GEN_CTA_URL", "ftp://example.com/x", "expected an http:// or https:// URL"),
            ("CONTENT_GEN_CTA_URL", "https://example.com/a b", "expected an http:// or https://"),
            ("CONTENT_GEN_POST_TIME", "9am", "expected a time of day as HH:MM, e.g. 09:00"),
            ("CONTENT_GEN_WORDPRESS_URL", "example.com", "expected your site's http:// or"),
        ],
    )
    def test_a_bad_value_names_the_setting_and_the_value(self, name, value, message) -> None:
        error = usage_error(environ={name: value})
        assert error.startswith(f"invalid setting {name} (from environment): {value!r}: ")
        assert message in error

    def test_the_cta_url_flag_beats_the_environment(self) -> None:
        settings = load(
            cli={"cta_url": "https://example.com/flag"},
            environ={"CONTENT_GEN_CTA_URL": "https://example.com/env"},
        )
        assert settings.cta_url == "https://example.com/flag"

    def test_the_wordpress_password_is_a_secret(self) -> None:
        settings = load(environ={"CONTENT_GEN_WORDPRESS_APP_PASSWORD": WP_PASSWORD})
        assert WP_PASSWORD not in repr(settings) and WP_PASSWORD not in str(settings.public())
        assert "wordpress_app_password" not in settings.public()
        assert settings.secrets() == (WP_PASSWORD,)

    def test_the_wordpress_password_is_hidden_in_errors(self) -> None:
        message = usage_error(cli={"wordpress_app_password": [WP_PASSWORD]})
        assert WP_PASSWORD not in message and "(hidden)" in message


def test_the_env_example_as_copied_is_the_defaults() -> None:
    example = Path(__file__).resolve().parent.parent / ".env.example"
    assert load(env_file=example) == load()


def test_env_example_and_the_readme_list_every_setting_and_change_nothing() -> None:
    root = Path(__file__).resolve().parent.parent
    example = (root / ".env.example").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for name in ENV_NAMES.values():
        assert f"\n{name}=" in example, name
        shown = "`_MAX_WORDS`" if name == "CONTENT_GEN_BLOG_MAX_WORDS" else f"`{name}`"
        assert shown in readme, name
    assert load(env_file=root / ".env.example") == load()
