from __future__ import annotations

import pytest

from heritage.config import SETTINGS, Config
from heritage.errors import ConfigError
from tests.conftest import REPO


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme]
    assert missing == []


def test_defaults_need_no_environment() -> None:
    config = Config.from_env({})
    assert config.redis_url == "redis://127.0.0.1:6379/0"
    assert config.base_url == "http://127.0.0.1:8000"
    assert config.workers >= 1


def test_a_bad_number_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="HERITAGE_MAX_PIXELS"):
        Config.from_env({"HERITAGE_MAX_PIXELS": "lots"})


def test_a_base_url_must_be_a_url_and_loses_its_trailing_slash() -> None:
    with pytest.raises(ConfigError, match="HERITAGE_BASE_URL"):
        Config.from_env({"HERITAGE_BASE_URL": "example.org"})
    assert Config.from_env({"HERITAGE_BASE_URL": "https://example.org/lib/"}).base_url == "https://example.org/lib"


def test_tesseract_models_are_the_system_s_unless_a_tessdata_is_set() -> None:
    assert Config.from_env({}).tessdata == ""
    assert Config.from_env({"HERITAGE_TESSDATA": "/models"}).tessdata == "/models"
