"""The scaling figure of `newsflow bench`: a rate over the middle of the run, from summed end offsets."""

from __future__ import annotations

import pytest

from newsflow.evaluation.benchmark import middle_rate, scaling_batch_size


def _run(start_s: float, per_batch_s: float, batches: int, batch: int) -> list[tuple[float, int]]:
    """Offsets sampled every 0.1 s of a worker that starts late, then emits a batch every `per_batch_s`."""
    samples, t = [], 0.0
    while True:
        done = 0 if t < start_s else min(batches, int((t - start_s) / per_batch_s)) * batch
        samples.append((t, done))
        if done >= batches * batch:
            return samples
        t = round(t + 0.1, 6)


def test_start_up_does_not_inflate_the_rate():
    # 40 batches of 16 every 0.5 s after a 10 s start-up: 32 records/s once running
    samples = _run(10.0, 0.5, 40, 16)
    assert middle_rate(samples, 640) == pytest.approx(32.0, rel=0.05)
    first_to_last = (640 - 1) / (samples[-1][0] - next(t for t, c in samples if c))  # the old method
    assert first_to_last > 32.0 * 1.01


def test_too_few_samples_is_an_error_not_a_figure():
    with pytest.raises(ValueError):
        middle_rate([(0.0, 0), (1.0, 100)], 100)


def test_the_batch_size_leaves_many_batches_in_the_window():
    assert scaling_batch_size(600, 2, 64) == 22  # 360 events in the window, 8 batches of each of 2 workers
    assert scaling_batch_size(100_000, 2, 64) == 64
    assert scaling_batch_size(5, 2, 64) == 1
