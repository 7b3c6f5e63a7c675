"""How many photos one process decodes at once: a counting semaphore with a bounded wait.

Decoding and re-encoding a photo takes a CPU and tens of megabytes for about a second. Without a bound,
a handful of large uploads at once would take every worker thread's memory together; with it, the rest
wait a few seconds and are then told to try again, instead of the process growing until it is killed.
The limit is read on every call (ATTACHMENT_IMAGE_SLOTS), so a test or an admin can change it.
"""
import threading
import time

_changed = threading.Condition()
_in_use = 0


def acquire(limit: int, timeout: float) -> bool:
    """Take a slot when fewer than `limit` are in use, waiting at most `timeout` seconds; False if none came free."""
    global _in_use
    deadline = time.monotonic() + max(0.0, timeout)
    with _changed:
        while _in_use >= limit:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            _changed.wait(remaining)
        _in_use += 1
        return True


def release() -> None:
    global _in_use
    with _changed:
        _in_use -= 1
        _changed.notify()


def in_use() -> int:
    return _in_use
