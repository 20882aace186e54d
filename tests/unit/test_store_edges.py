"""The edges of the store's questions on SQLite (the contract), and what a SQLite path that cannot be a store says."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO
from store_edges_contract import EdgesContract, call, cli


class TestEdgesOnSqlite(EdgesContract):
    @pytest.fixture
    def store_url(self, tmp_path):
        return str(tmp_path / "store.db")


def _one_line(err: str, *words: str) -> bool:
    return err.count("\n") == 1 and all(w in err for w in words)


def test_a_store_in_a_folder_that_does_not_exist_is_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "no" / "such" / "news.db"
    article = tmp_path / "a.txt"
    article.write_text("The harbour budget will be balanced, the minister said on Monday.")
    code, out, err = cli(capsys, "run", "--store", str(path), str(article))  # refused before any model loads
    assert (code, out) == (2, "") and _one_line(err, "newsflow run: ", str(path), "does not exist"), err
    for args in (("store", "upgrade", "--url", str(path)), ("store", "status", "--url", str(path))):
        code, out, err = cli(capsys, *args)
        assert code == 2 and _one_line(err, str(path), "does not exist"), err
    assert not path.parent.exists()


def test_a_folder_in_place_of_the_store_is_one_line_and_exit_2(tmp_path, capsys):
    article = tmp_path / "a.txt"
    article.write_text("The harbour budget will be balanced, the minister said on Monday.")
    code, _, err = cli(capsys, "run", "--store", str(tmp_path), str(article))
    assert code == 2 and _one_line(err, str(tmp_path), "a folder, not a SQLite file"), err


def test_a_file_that_is_no_store_is_one_line_naming_it_and_exit_1(tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database, only some words in a file " * 40)
    code, out, err = cli(capsys, "query", "speakers", "--store", str(junk))
    assert (code, out) == (1, "") and _one_line(err, "newsflow query speakers: store ", str(junk)), err
    code, _, err = cli(capsys, "store", "status", "--url", str(junk))
    assert code == 1 and _one_line(err, "newsflow store status: store ", str(junk)), err
    [(status, doc)] = call(str(junk), "/api/speakers")
    assert status == 503 and "store unavailable" in doc["error"]


def test_no_traceback_reaches_a_user_unless_debug(tmp_path):
    """An unexpected failure (here: a spaCy model that is not installed) is one line; DEBUG adds the traceback."""
    article = tmp_path / "a.txt"
    article.write_text("The harbour budget will be balanced, the minister said on Monday.")
    cmd = [sys.executable, "-m", "newsflow", "run", "--jobs", "1", "--model", "no_such_model_here", str(article)]
    plain = subprocess.run(cmd, cwd=REPO, capture_output=True, timeout=300, env=_env(None))
    lines = plain.stderr.decode().splitlines()
    assert plain.returncode == 1 and len(lines) == 1 and "no_such_model_here" in lines[0], lines
    debug = subprocess.run(cmd, cwd=REPO, capture_output=True, timeout=300, env=_env("DEBUG"))
    assert debug.returncode == 1 and b"Traceback" in debug.stderr


def _env(level: str | None) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if k != "NEWSFLOW_LOG_LEVEL"}
    return env if level is None else {**env, "NEWSFLOW_LOG_LEVEL": level}
