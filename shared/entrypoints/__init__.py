"""Entry points: the `newsflow` command (`cli`), the composition root (`bootstrap`), the embedded
runner (`pipeline`), inputs, the local stack, the benchmark, evaluation, the bundled scorer, the dashboard."""
