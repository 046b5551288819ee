"""rag.settings: defaults, citeqa.toml, CITEQA_* variables and their precedence."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rag import Settings, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No CITEQA_* variables and an empty working directory, whatever the caller has."""
    for name in list(os.environ):
        if name.startswith("CITEQA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_toml(text: str) -> None:
    Path("citeqa.toml").write_text(text, encoding="utf-8")


def test_defaults() -> None:
    settings = load_settings()
    assert settings.store == Path(".citeqa")
    assert settings.chroma_url is None
    assert settings.collection == "citeqa"
    assert settings.top_k == 10
    assert settings.candidates == 30
    assert settings.hybrid is True
    assert settings.rrf_k == 60
    assert settings.language == "en"
    assert settings.abstain_threshold is None  # the threshold fitted with the reader
    assert settings.reader_model is None and settings.cross_encoder is None


def test_an_old_evidence_weight_is_refused_by_name() -> None:
    with pytest.raises(SettingsError, match="'similarity_weight'"):
        load_settings(similarity_weight=0.4)


def test_every_field_is_described() -> None:
    undocumented = [n for n, f in Settings.model_fields.items() if not f.description]
    assert undocumented == []


def test_arguments_override_defaults_and_none_means_default() -> None:
    settings = load_settings(top_k=3, store=None)
    assert settings.top_k == 3
    assert settings.store == Path(".citeqa")


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEQA_TOP_K", "8")
    monkeypatch.setenv("CITEQA_HYBRID", "false")
    monkeypatch.setenv("CITEQA_STORE", "/somewhere/else")
    settings = load_settings()
    assert settings.top_k == 8
    assert settings.hybrid is False
    assert settings.store == Path("/somewhere/else")


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEQA_TOP_K", "8")
    assert load_settings(top_k=3).top_k == 3


def test_toml_in_the_working_directory_is_read() -> None:
    write_toml('top_k = 9\nstore = "elsewhere"\nhybrid = false\n')
    settings = load_settings()
    assert settings.top_k == 9
    assert settings.store == Path("elsewhere")
    assert settings.hybrid is False


def test_environment_wins_over_toml(monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml("top_k = 9\ncandidates = 40\n")
    monkeypatch.setenv("CITEQA_TOP_K", "4")
    settings = load_settings()
    assert settings.top_k == 4
    assert settings.candidates == 40


def test_toml_elsewhere_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_toml("top_k = 9\n")
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert load_settings().top_k == 10


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("CITEQA_TOP_K", "abc", "top_k"),
        ("CITEQA_TOP_K", "0", "top_k"),
        ("CITEQA_WINDOW", "9", "window"),
        ("CITEQA_ABSTAIN_THRESHOLD", "1.5", "abstain_threshold"),
        ("CITEQA_HYBRID", "maybe", "hybrid"),
    ],
)
def test_invalid_environment_value_names_the_field(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError, match=f"'{field}'") as caught:
        load_settings()
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("toml", "field"),
    [("top_k = 0\n", "top_k"), ('rrf_k = "many"\n', "rrf_k"), ("topk = 3\n", "topk")],
)
def test_invalid_toml_value_names_the_field(toml: str, field: str) -> None:
    write_toml(toml)
    with pytest.raises(SettingsError, match=f"'{field}'"):
        load_settings()


def test_invalid_argument_names_the_field() -> None:
    with pytest.raises(SettingsError, match="'abstain_threshold'"):
        load_settings(abstain_threshold=1.5)


def test_malformed_toml_raises_settings_error() -> None:
    write_toml("top_k = [\n")
    with pytest.raises(SettingsError, match=r"citeqa\.toml"):
        load_settings()
