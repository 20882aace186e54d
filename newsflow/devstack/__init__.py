"""The local stack of `newsflow stack` and the tests: a real Kafka broker, Redis and PostgreSQL on loopback ports."""
