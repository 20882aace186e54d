"""newsflow's common library, by role: core/ (events, codec, stage, batch core, settings), adapters/
(Kafka clients, observability), lexicon/ (vocabulary shared by services), schema/ (the events' JSON Schema).
It imports no service and no application module (`newsflow/`)."""
