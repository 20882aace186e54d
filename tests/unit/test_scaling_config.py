"""Pure configuration of the scale-out parts: replication from the broker count, the cluster's nodes,
the Redis index's layout, Sentinel addresses."""

from pathlib import Path

import pytest

from newsflow.devstack.stack import StackConfig, StackError
from services.dedup.fingerprint import BANDS
from services.dedup.redis_index import FIELDS_PER_HASH, Layout, sentinel_addresses
from shared.adapters.kafka import replication_for
from shared.core.settings import Settings


@pytest.mark.parametrize("brokers, expected", [(1, (1, 1)), (2, (2, 1)), (3, (3, 2)), (5, (3, 2))])
def test_replication_follows_the_broker_count(brokers, expected):
    assert replication_for(Settings(), brokers) == expected


def test_a_set_replication_factor_wins():
    assert replication_for(Settings(replication_factor=2), 5) == (2, 1)
    assert replication_for(Settings.from_env({"NEWSFLOW_REPLICATION_FACTOR": "1"}), 3) == (1, 1)


def test_a_three_node_cluster_has_distinct_ports_and_lists_every_broker(tmp_path):
    config = StackConfig(run_dir=tmp_path, cache_dir=tmp_path, kafka_port=19092, controller_port=19093, brokers=3)
    nodes = config.nodes()
    assert [n for n, _, _ in nodes] == [1, 2, 3]
    ports = [p for _, p, c in nodes] + [c for _, p, c in nodes]
    assert len(set(ports)) == 6
    assert config.bootstrap == "127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096"
    explicit = StackConfig(
        run_dir=tmp_path, cache_dir=tmp_path, brokers=3, extra_kafka_ports=(1, 2), extra_controller_ports=(3, 4)
    )
    assert explicit.nodes()[1:] == [(2, 1, 3), (3, 2, 4)]


def test_down_and_status_remember_the_broker_count_of_the_last_up(tmp_path):
    config = StackConfig(run_dir=tmp_path, cache_dir=Path(tmp_path))
    assert config.with_brokers(None).brokers == 1
    (tmp_path / "kafka-brokers").write_text("3")
    assert config.with_brokers(None).brokers == 3
    assert config.with_brokers(1).brokers == 1
    with pytest.raises(StackError):
        config.with_brokers(0)


def test_layout_keeps_hashes_compact_for_the_expected_volume():
    layout = Layout.for_volume(200_000, 30)
    per_slice = 200_000 * 30 / layout.slices
    fields_per_hash = per_slice * (BANDS + 1) / layout.shards
    assert FIELDS_PER_HASH * 0.9 < fields_per_hash <= FIELDS_PER_HASH
    assert fields_per_hash < 128  # Redis' default hash-max-listpack-entries
    assert Layout.for_volume(1, 1).shards == 1


def test_sentinel_addresses():
    assert sentinel_addresses("a:26379, b:26380,c") == [("a", 26379), ("b", 26380), ("c", 26379)]
    assert sentinel_addresses("") == []
    with pytest.raises(ValueError, match="host:port"):
        sentinel_addresses("a:x")


def test_up_refuses_to_turn_a_single_broker_stack_dir_into_a_cluster(tmp_path):
    from newsflow.devstack.stack import LocalStack

    (tmp_path / "kafka" / "data").mkdir(parents=True)
    (tmp_path / "kafka" / "data" / "meta.properties").write_text("node.id=1\n")
    stack = LocalStack(StackConfig(run_dir=tmp_path, cache_dir=tmp_path, brokers=3))
    with pytest.raises(StackError, match="1-broker Kafka"):
        stack.up()
