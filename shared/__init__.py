"""newsflow's common library: events, settings, codecs, Kafka and Redis adapters, runners."""
