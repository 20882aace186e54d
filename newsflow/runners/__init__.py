"""Runners of the application: the store's sink worker (Kafka in, database out)."""
