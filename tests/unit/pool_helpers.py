"""Handlers of the ForkedPool tests (not a test module): the template process imports them by name."""

import os


class Unpicklable:
    """A result the worker cannot send back."""

    def __reduce__(self):
        raise TypeError("not picklable")


def build_echo(tag):
    """Built once, in the template: the handler says which process built it and which one runs it."""
    built_in = os.getpid()

    def handle(task):
        if task == "raise":
            raise ValueError("the stage failed on this task")
        if task == "die":
            os._exit(3)
        if task == "unpicklable":
            return Unpicklable()
        if isinstance(task, bytes):
            return task[::-1]
        return {"tag": tag, "task": task, "built_in": built_in, "pid": os.getpid(), "parent": os.getppid()}

    return handle


def build_fails(reason):
    """A build that fails, as a model that is not installed does."""
    raise OSError(reason)
