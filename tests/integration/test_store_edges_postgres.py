"""The edges of the store's questions on a real PostgreSQL server (the contract, a database per test), and what a
server that cannot be reached says: one line naming its URL (without the password), exit 1, 503 in the API."""

from __future__ import annotations

import pytest
from unit_modules import unit_module

from newsflow.devstack.stack import free_port

contract = unit_module("store_edges_contract")

pytestmark = pytest.mark.integration


class TestEdgesOnPostgres(contract.EdgesContract):
    @pytest.fixture
    def store_url(self, postgres_url):
        return postgres_url


def test_a_server_that_cannot_be_reached_is_one_line_naming_it(tmp_path, capsys):
    url = f"postgresql://newsflow:s3cret-pw@127.0.0.1:{free_port()}/news"
    article = tmp_path / "a.txt"
    article.write_text("The harbour budget will be balanced, the minister said on Monday.")
    shown = f"127.0.0.1:{url.rsplit(':', 1)[1]}"
    for args in (
        ("run", "--store", url, str(article)),
        ("query", "speakers", "--store", url),
        ("store", "status", "--url", url),
    ):
        code, out, err = contract.cli(capsys, *args)
        assert (code, out) == (1, ""), (args, err)
        assert err.count("\n") == 1 and shown in err and "s3cret-pw" not in err, err
    [(status, doc)] = contract.call(url, "/api/speakers")
    assert status == 503 and "store unavailable" in doc["error"]


def test_a_database_that_does_not_exist_is_one_line_naming_it(postgres_url, capsys):
    missing = postgres_url.rsplit("/", 1)[0] + "/no_such_database"
    code, _, err = contract.cli(capsys, "query", "story", "s-budget", "--store", missing)
    assert code == 1 and err.count("\n") == 1 and "no_such_database" in err, err
