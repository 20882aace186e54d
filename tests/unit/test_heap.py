"""glibc's malloc told to keep freed memory (newsflow/runners/heap.py)."""

import ctypes
import ctypes.util
import platform

import pytest

from newsflow.runners import heap


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_takes_every_setting():
    assert heap.keep_heap() is True


def test_without_a_c_library_nothing_is_done(monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert heap.keep_heap() is False


def test_a_c_library_without_mallopt_is_left_alone(monkeypatch):
    class NoMallopt:
        def __init__(self, name):
            pass

    monkeypatch.setattr(ctypes, "CDLL", NoMallopt)
    assert heap.keep_heap() is False
