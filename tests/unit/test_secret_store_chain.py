"""The one secret-store chain: every reader (CLI, full helper, fast path) lands on one store."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from azrepos import state_files
from azrepos.connection import secret_store
from azrepos.errors import ConfigError, UsageError
from azrepos.redaction import Secret
from azrepos.secretstore import selection
from azrepos.secretstore.file_store import FileStore


def test_pat_key_round_trips_and_other_keys_are_not_pats() -> None:
    key = selection.pat_key("https://dev.azure.com/contoso")
    assert selection.pat_org(key) == "https://dev.azure.com/contoso"
    assert selection.pat_org("__index__") is None


def test_no_keyring_falls_back_to_the_file_and_records_it(home: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZREPOS_SECRET_STORE", raising=False)
    Path(state_files.config_dir()).mkdir(parents=True)
    choice = selection.open_store("auto")
    assert choice.store.name == "file" and "no OS keyring" in (choice.warning or "")
    assert selection.recorded() == "file" and selection.fast_path_reads_file()


def test_git_config_preference_is_what_the_fast_path_follows(home: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.delenv("AZREPOS_SECRET_STORE", raising=False)
    Path(state_files.config_dir()).mkdir(parents=True)
    (Path(state_files.config_dir()) / state_files.SECRET_STORE_RECORD).write_text("keyring\n")
    assert not selection.fast_path_reads_file()  # the keyring was chosen: only the helper reads it
    subprocess.run(["git", "config", "--global", "azrepos.secretStore", "file"], check=True)
    assert secret_store().store.name == "file"  # git config is read by the full chain...
    assert selection.recorded() == "file" and selection.fast_path_reads_file()  # ...and recorded


def test_the_environment_wins_over_the_record(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Path(state_files.config_dir()).mkdir(parents=True)
    (Path(state_files.config_dir()) / state_files.SECRET_STORE_RECORD).write_text("keyring\n")
    monkeypatch.setenv("AZREPOS_SECRET_STORE", "file")
    assert selection.fast_path_reads_file() and secret_store().store.name == "file"


def test_secrets_already_in_the_file_keep_it_chosen(home: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZREPOS_SECRET_STORE", raising=False)
    FileStore().set(selection.pat_key("https://dev.azure.com/a"), Secret("p" * 52))
    monkeypatch.setattr("azrepos.secretstore.keyring_store.usable_backend", lambda: object())
    assert selection.open_store("auto").store.name == "file"


def test_an_explicit_keyring_that_does_not_work_is_an_error(home: Path) -> None:
    with pytest.raises(ConfigError, match="no OS keyring"):
        selection.open_store("keyring")


def test_an_unknown_preference_names_both_settings(home: Path) -> None:
    with pytest.raises(UsageError) as caught:
        selection.open_store("vault")
    assert "AZREPOS_SECRET_STORE" in str(caught.value) and "azrepos.secretStore" in str(caught.value)
