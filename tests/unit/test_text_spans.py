"""spans_within: the spans lying inside a stretch of text, by bisection over their starts."""

from dataclasses import dataclass

from shared.text.spans import spans_within


@dataclass(frozen=True)
class S:
    start: int
    end: int


def test_only_spans_that_end_inside_are_within():
    spans = [S(0, 4), S(5, 9), S(8, 20), S(21, 25)]
    starts = [s.start for s in spans]
    assert spans_within(spans, starts, 5, 20) == [S(5, 9), S(8, 20)]
    assert spans_within(spans, starts, 5, 19) == [S(5, 9)]
    assert spans_within(spans, starts, 1, 4) == []
    assert spans_within(spans, starts, 0, 100) == spans
