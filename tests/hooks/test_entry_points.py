"""The console scripts and the ``azrepos`` subcommands: output, JSON and exit codes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from azrepos.cli import hooks as cli_hooks
from azrepos.errors import UsageError
from azrepos.secretscan.hooks import check_remotes_main, detect_secrets_main
from tests.hooks.conftest import current_pat, git, leaked_pieces, legacy_pat

BIN = Path(sys.executable).parent


def test_detect_reports_place_kind_and_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pat = current_pat()
    bad = tmp_path / "settings.env"
    bad.write_text(f"# settings\nLOG=1\nAZURE_DEVOPS_EXT_PAT={pat}\n")
    good = tmp_path / "ok.txt"
    good.write_text(f"AZURE_DEVOPS_EXT_PAT={pat}  # azrepos: allow-secret\n")
    assert detect_secrets_main([str(bad), str(good)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == f"{bad}:3:22: Azure DevOps PAT (84-char)"
    assert len(lines) == 2 and lines[1].startswith("fix: ") and "azrepos: allow-secret" in lines[1]
    assert not leaked_pieces(pat, out)


def test_detect_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text("print('hello')\n")
    assert detect_secrets_main([str(clean)]) == 0
    assert detect_secrets_main([]) == 0
    assert detect_secrets_main([str(tmp_path / "missing")]) == 2
    assert detect_secrets_main(["--no-such-option"]) == 2
    assert "cannot read" in capsys.readouterr().out


def test_console_scripts_are_installed(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text(f"token: {legacy_pat()}\n")
    done = subprocess.run([BIN / "azrepos-detect-secrets", path], capture_output=True, text=True)
    assert done.returncode == 1 and f"{path}:1:8: Azure DevOps PAT (legacy 52-char)" in done.stdout
    done = subprocess.run([BIN / "azrepos-check-remotes", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--fix" in done.stdout


def test_check_remotes_exit_codes(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    pat = legacy_pat()
    git("remote", "add", "origin", f"https://contoso:{pat}@dev.azure.com/contoso/p/_git/r", cwd=repo)
    assert check_remotes_main([]) == 1
    assert check_remotes_main(["--fix"]) == 0
    assert check_remotes_main([]) == 0
    out = capsys.readouterr().out
    assert "remote 'origin' url: Azure DevOps PAT (legacy 52-char) in URL" in out and "fixed" in out
    assert not leaked_pieces(pat, out)
    assert check_remotes_main(["--bogus"]) == 2


def test_check_remotes_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert check_remotes_main([]) == 2
    assert "not inside a git repository" in capsys.readouterr().err


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="azrepos")
    cli_hooks.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_cli_detect_secrets_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pat = legacy_pat()
    path = tmp_path / "a.json"
    path.write_text('{\n  "password": "' + pat + '"\n}\n')
    args = parse("detect-secrets", "--json", str(path))
    assert args.handler(args) == 1
    out = capsys.readouterr().out
    document = json.loads(out)
    assert document["findings"] == [{"path": str(path), "line": 2, "column": 16,
                                     "kind": "Azure DevOps PAT (legacy 52-char)"}]
    assert document["changed"] is False and not leaked_pieces(pat, out)


def test_cli_check_remotes_json(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    git("remote", "add", "origin", f"https://{current_pat()}@dev.azure.com/contoso/p/_git/r", cwd=repo)
    args = parse("check-remotes", "--fix", "--json")
    assert args.handler(args) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {"changed": True, "remotes": [{
        "remote": "origin", "key": "url", "scope": "local", "kind": "Azure DevOps PAT (84-char) in URL",
        "fixed": True}]}


def test_cli_check_remotes_raises_usage_error_outside_a_repository(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    args = parse("check-remotes")
    with pytest.raises(UsageError):  # main() turns it into exit code 2
        args.handler(args)
