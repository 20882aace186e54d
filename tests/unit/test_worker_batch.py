"""The runner's batch logic, without Kafka: decode, process, dead-letter."""

from newsflow.bootstrap import build_stage
from newsflow.runners.faust_worker import DLQ_HEADERS, dlq_headers, run_messages
from shared.core.batch import InMessage
from shared.core.settings import Settings


def msg(value: bytes, offset: int = 0) -> InMessage:
    return InMessage("articles.raw", 3, offset, b"k", value)


def test_good_and_bad_messages_are_split_and_bad_ones_keep_their_bytes():
    stage = build_stage("normalize", Settings())
    bad = b"\xff not json"
    result = run_messages(
        stage, [msg(b'{"id": "a", "body": "Hello."}', 1), msg(bad, 2), msg(b'{"x": 1}', 3)], max_bytes=10_000
    )
    assert [o.key for o in result.outputs] == [b"a"]
    assert [d.source.value for d in result.dead] == [bad, b'{"x": 1}']
    assert "not JSON" in result.dead[0].reason and "no 'body'" in result.dead[1].reason
    headers = dict(dlq_headers(result.dead[1]))
    assert set(headers) == set(DLQ_HEADERS)
    assert headers["newsflow.source.offset"] == b"3" and headers["newsflow.source.partition"] == b"3"


def test_a_stage_rejection_becomes_a_dead_letter():
    stage = build_stage("normalize", Settings(max_body_chars=5))
    result = run_messages(stage, [msg(b'{"body": "far too long"}')], max_bytes=10_000)
    assert not result.outputs and "exceeds the limit" in result.dead[0].reason


def test_the_worker_producer_is_idempotent_with_acks_all():
    from newsflow.runners.faust_worker import IdempotentProducer, StageWorker

    worker = StageWorker(Settings(), build_stage("normalize", Settings()))
    producer = worker.app.producer  # built, not started: no connection
    assert isinstance(producer, IdempotentProducer)
    config = {**producer._settings_default(), **producer._settings_extra()}
    assert config["enable_idempotence"] is True and config["acks"] in (-1, "all")
    worker.close()
