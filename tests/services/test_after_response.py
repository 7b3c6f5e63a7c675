"""Work handed off after the answer: run in order, in an app context, and an error does not stop the next call."""
import logging
import os
import threading

from flask import current_app

from gdt import logs
from gdt.services.core import after_response


def test_calls_run_in_order_in_the_apps_context_and_a_failure_is_logged_not_fatal(app, caplog):
    seen = []

    def note(value):
        seen.append((value, current_app.name, threading.current_thread().name))

    def fails():
        raise RuntimeError("broker gone")

    with caplog.at_level(logging.ERROR, logger="gdt.services.core.after_response"):
        after_response.submit(app, note, 1)
        after_response.submit(app, fails)
        after_response.submit(app, note, 2)
        assert after_response.wait_until_idle()
    assert seen == [(1, app.name, "gdt-after-response"), (2, app.name, "gdt-after-response")]
    assert "background call fails failed" in caplog.text


def test_a_call_sees_the_context_variables_of_the_code_that_handed_it_off(app):
    seen = []
    token = logs.request_id.set("handed-off-request")
    try:
        after_response.submit(app, lambda: seen.append(logs.current_request_id()))
    finally:
        logs.request_id.reset(token)
    assert after_response.wait_until_idle()
    assert seen == ["handed-off-request"]  # the task it publishes carries the request's id


def test_a_forked_process_gets_a_thread_of_its_own(app):
    after_response.submit(app, lambda: None)
    assert after_response.wait_until_idle()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(reader)
        ran = threading.Event()
        after_response.submit(app, ran.set)
        os.write(writer, b"1" if ran.wait(5) else b"0")
        os._exit(0)
    os.close(writer)
    try:
        assert os.read(reader, 1) == b"1"
    finally:
        os.close(reader)
        os.waitpid(child, 0)
