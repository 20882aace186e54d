import io

import orjson
import pytest

from newsflow.bootstrap import parse_stages
from newsflow.inputs import read_inputs
from shared.core.settings import Settings


def test_settings_read_from_a_given_environment():
    s = Settings.from_env(
        {
            "NEWSFLOW_KAFKA_BOOTSTRAP": "h:1",
            "NEWSFLOW_PARTITIONS": "12",
            "NEWSFLOW_TOPIC_RAW": "in",
            "NEWSFLOW_BATCH_TIMEOUT_S": "0.5",
        }
    )
    assert s.kafka_bootstrap == "h:1" and s.partitions == 12 and s.topics.raw == "in"
    assert s.batch_timeout_s == 0.5 and s.topics.enriched == "articles.enriched"
    assert s.group_id("dedup") == "newsflow-dedup"


def test_bad_setting_value_names_the_variable():
    with pytest.raises(ValueError, match="NEWSFLOW_PARTITIONS"):
        Settings.from_env({"NEWSFLOW_PARTITIONS": "six"})


def test_secrets_are_not_in_repr():
    assert "hunter2" not in repr(Settings(kafka_sasl_password="hunter2"))


def test_inputs_jsonl_json_txt_and_stdin(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"id": "1", "body": "x"}\n\n{"id": "2", "body": "y"}\n')
    (tmp_path / "b.json").write_text('[{"id": "3", "body": "z"}]')
    (tmp_path / "c.txt").write_text("Plain body.")
    items = list(read_inputs([str(tmp_path)]))
    assert [orjson.loads(i.data).get("id") for i in items] == ["1", "2", "3", None]
    assert orjson.loads(items[3].data)["body"] == "Plain body."
    assert items[0].origin.endswith("a.jsonl:1")
    stdin = list(read_inputs(["-"], stdin=io.BytesIO(b'{"body": "a"}\n{"body": "b"}\n')))
    assert len(stdin) == 2


def test_stage_subsets_always_start_with_normalize():
    assert parse_stages("dedup") == ["normalize", "dedup"]
    assert parse_stages("quotes,normalize") == ["normalize", "quotes"]
    with pytest.raises(ValueError, match="unknown"):
        parse_stages("nope")


def test_to_env_round_trips_through_from_env():
    s = Settings(kafka_bootstrap="h:2", partitions=3, batch_timeout_s=0.25, kafka_sasl_username="u")
    assert Settings.from_env(s.to_env()) == s


def test_stdin_json_lines_with_a_broken_first_line_still_yields_every_line():
    items = list(read_inputs(["-"], stdin=io.BytesIO(b'{"body": "trunc\n{"id": "ok", "body": "Fine."}\n')))
    assert [i.origin for i in items] == ["<stdin>:1", "<stdin>:2"]
    assert orjson.loads(items[1].data)["id"] == "ok"


def test_pretty_printed_object_on_stdin_is_one_article_and_empty_stdin_is_none():
    pretty = b'{\n  "id": "p",\n  "body": "Text."\n}\n'
    (item,) = list(read_inputs(["-"], stdin=io.BytesIO(pretty)))
    assert orjson.loads(item.data)["id"] == "p"
    assert list(read_inputs(["-"], stdin=io.BytesIO(b""))) == []
    assert list(read_inputs(["-"], stdin=io.BytesIO(b"  \n"))) == []


def test_stack_trusts_a_pid_file_only_for_its_own_processes(tmp_path):
    import os

    from newsflow.devstack.stack import _read_pid

    pid_file = tmp_path / "kafka.pid"
    pid_file.write_text(str(os.getpid()))  # a live process, but not a Kafka broker
    assert _read_pid(pid_file) is None
    pid_file.write_text("999999999")
    assert _read_pid(pid_file) is None
