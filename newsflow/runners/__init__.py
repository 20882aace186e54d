"""Runners of stages: a faust worker per stage (`faust_worker`), the embedded pipeline (`pipeline`), and its
process pool (`parallel`). Each takes stages built by the composition root (`newsflow.bootstrap`)."""
