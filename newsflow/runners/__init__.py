"""Runners of stages: a faust worker per stage (`faust_worker`), the store's sink worker (`sink`), the embedded
pipeline (`pipeline`) and its process pool (`parallel`). Each takes what the composition root (`newsflow.bootstrap`) built."""
