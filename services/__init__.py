"""newsflow's stages: one package each, holding its pure logic and its builder (wired by `newsflow.bootstrap`)."""
