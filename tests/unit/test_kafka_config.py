"""Kafka client configuration from settings, without a broker: limits and the one security config."""

from __future__ import annotations

from shared.adapters import kafka
from shared.core.settings import Settings


def test_limits_have_their_floors_and_grow_with_max_message_bytes():
    small, large = Settings(max_message_bytes=10_000), Settings(max_message_bytes=8_000_000)
    assert kafka.record_limit(small) == kafka.MIN_REQUEST_BYTES
    assert kafka.record_limit(large) == 8_000_000 + kafka.RECORD_OVERHEAD_BYTES
    assert kafka.fetch_limit(small) == kafka.MIN_FETCH_BYTES
    assert kafka.fetch_limit(Settings(max_message_bytes=40_000_000)) == 80_000_000
    options = kafka.faust_kafka_options(large)
    assert options["producer_max_request_size"] == kafka.record_limit(large)
    assert options["consumer_max_fetch_size"] == 8_000_000 + kafka.RECORD_OVERHEAD_BYTES
    assert options["broker"] == "kafka://127.0.0.1:9092" and options["broker_credentials"] is None


def test_faust_credentials_follow_the_same_security_config():
    import faust

    s = Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_username="u", kafka_sasl_password="p")
    cfg = kafka.security_config(s)
    assert cfg["sasl_mechanism"] == "PLAIN" and cfg["sasl_plain_username"] == "u"
    creds = kafka.faust_credentials(s)
    assert isinstance(creds, faust.SASLCredentials)
    assert (creds.username, creds.password, str(creds.mechanism.value)) == ("u", "p", "PLAIN")
