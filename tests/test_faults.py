"""Faults: an unreachable database makes the CLI exit 2 with a clear message, writing nothing."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.cli import main


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_cli_on_an_unreachable_database_exits_2_with_a_clear_message(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTGRES_CONNECT_TIMEOUT", "1")  # the library's own setting
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/test"
    for args in (["init"], ["items", "list"]):
        result = CliRunner().invoke(main, ["--db", url, "--instance", str(tmp_path), *args])
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert "database" in result.output.lower(), result.output
        assert "Traceback" not in result.output
