"""newsflow's stages: one package each, holding its pure logic and its composition root."""
