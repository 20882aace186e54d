"""newsflow's common library, by role: core/ (events, codec, stage, batch core, settings), adapters/
(Kafka clients, the faust runner, observability), entrypoints/ (CLI, composition root, embedded runner,
tools), lexicon/ (vocabulary shared by services), schema/ (the events' JSON Schema)."""
