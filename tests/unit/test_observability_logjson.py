"""The JSON log formatter: one object a line with the runner's context fields."""

import io
import logging
import logging.config

import orjson

from shared.adapters.observability.logjson import JsonFormatter, StaticFields, logging_config, message_fields


def _record(msg="hello %s", args=("world",), level=logging.INFO, **extra):
    record = logging.LogRecord("newsflow.worker", level, __file__, 10, msg, args, None)
    for k, v in extra.items():
        setattr(record, k, v)
    return record


def test_a_record_is_one_json_line_with_context_fields():
    line = JsonFormatter().format(
        _record(stage="entities", topic="articles.deduped", partition=3, offset=42, article_id="bbc-1")
    )
    assert "\n" not in line
    doc = orjson.loads(line)
    assert doc["message"] == "hello world" and doc["level"] == "info" and doc["logger"] == "newsflow.worker"
    assert (doc["stage"], doc["topic"], doc["partition"], doc["offset"], doc["article_id"]) == (
        "entities",
        "articles.deduped",
        3,
        42,
        "bbc-1",
    )
    assert doc["ts"].endswith("+00:00")
    assert "args" not in doc and "msg" not in doc and "levelno" not in doc


def test_none_fields_are_left_out_and_odd_values_are_written_with_repr():
    doc = orjson.loads(JsonFormatter().format(_record(article_id=None, thing=object())))
    assert "article_id" not in doc
    assert doc["thing"].startswith("<object object")


def test_exceptions_are_kept_as_text():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    doc = orjson.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in doc["exception"]


def test_static_fields_fill_in_but_do_not_override():
    f = StaticFields(stage="quotes")
    r1, r2 = _record(), _record(stage="dedup")
    assert f.filter(r1) and f.filter(r2)
    assert r1.stage == "quotes" and r2.stage == "dedup"


def test_message_fields_take_the_article_id_from_the_key():
    assert message_fields("t", 1, 7, b"a-1") == {"topic": "t", "partition": 1, "offset": 7, "article_id": "a-1"}
    assert message_fields("t", 1, 7, None)["article_id"] is None


def test_logging_config_installs_json_lines_on_the_root_logger():
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.level, root.handlers[:])
    try:
        logging.config.dictConfig(logging_config("info", {"stage": "normalize"}, stream=stream))
        logging.getLogger("newsflow.worker").warning("dead letter", extra={"offset": 5, "topic": "raw"})
        logging.getLogger("newsflow.worker").debug("not shown")
    finally:
        root.handlers[:] = saved[1]
        root.setLevel(saved[0])
    (line,) = stream.getvalue().splitlines()
    doc = orjson.loads(line)
    assert doc["stage"] == "normalize" and doc["offset"] == 5 and doc["level"] == "warning"


def test_workers_log_json_by_default_and_faust_text_on_request():
    from shared.adapters.observability.runtime import WorkerObservability
    from shared.core.settings import Settings

    json_cfg = WorkerObservability(Settings(), "dedup", "raw").logging_config("info")
    assert json_cfg["root"]["level"] == "INFO" and json_cfg["filters"]["static"]["fields"] == {"stage": "dedup"}
    assert WorkerObservability(Settings(log_format="text"), "dedup", "raw").logging_config("info") is None
    assert WorkerObservability(Settings(), "dedup", "raw").server is None  # metrics_port 0: no server
