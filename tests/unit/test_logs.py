"""The JSON log format (gdt/logs.py): one object per record, only the listed fields, tokens and query strings masked,
and the request id from the context."""
import io
import json
import logging
import sys

import pytest

from gdt import logs
from gdt.log_filters import MASK

TOKEN = "eyJyIjo0MiwicCI6M30.Z5xYhA.aBc-dEf_123"


def _record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    record = logging.LogRecord("gdt.test", logging.WARNING, __file__, 1, message, args, exc_info)
    record.__dict__.update(extra)
    return record


def _formatted(record: logging.LogRecord) -> dict:
    line = logs.JsonFormatter().format(record)
    assert "\n" not in line
    return json.loads(line)


def test_a_record_is_one_json_object_with_time_level_logger_and_message():
    line = _formatted(_record("outbox: message %s not found", "abc"))
    assert line["level"] == "WARNING" and line["logger"] == "gdt.test"
    assert line["message"] == "outbox: message abc not found"
    assert line["time"].endswith("+00:00") and "T" in line["time"]


def test_only_the_listed_fields_are_written():
    line = _formatted(_record("GET triage.refer 302", request_id="r" * 32, route="/reports/<reference>/refer",
                              status=302, duration_ms=4.2, user_id=7, reporter_name="Anna de Vries",
                              data={"args": ["Anna"]}))
    assert line["route"] == "/reports/<reference>/refer" and line["status"] == 302 and line["user_id"] == 7
    assert "reporter_name" not in line and "data" not in line and "Anna" not in json.dumps(line)


def test_link_tokens_and_query_strings_are_masked_in_the_message_and_the_traceback():
    try:
        raise ValueError(f"Error handling request /casus/{TOKEN}?q=Anna+de+Vries")
    except ValueError:
        record = _record("Exception on /doorverwijzing/%s [GET] from /zoek?adres=Dorpsstraat%%201", TOKEN,
                         exc_info=sys.exc_info())
    text = json.dumps(_formatted(record))
    assert TOKEN not in text and "Anna" not in text and "Dorpsstraat" not in text
    assert f"/doorverwijzing/{MASK}" in text and f"/casus/{MASK}" in text and "/zoek?[query]" in text


def test_a_question_in_prose_is_not_taken_for_a_query_string():
    assert logs.mask_query_strings("Klopt dit? Ja = nee") == "Klopt dit? Ja = nee"
    assert logs.mask_query_strings("/cases?sort=-received&page=2 answered") == "/cases?[query] answered"
    assert logs.mask_query_strings("https://gdt.example.test/melden?formulier=abc") == \
        "https://gdt.example.test/melden?[query]"


@pytest.mark.parametrize("offered", ["0f1e2d3c4b5a69788796a5b4c3d2e1f0", "req-2026-12-06-abc", "A" * 64, "12345678"])
def test_a_request_id_that_looks_like_one_is_kept(offered):
    assert logs.accepted_request_id(offered) == offered


@pytest.mark.parametrize("offered", [None, "", "short", "A" * 65, "abc def 123", "abcdefgh\nlevel=ERROR",
                                     "anna@example.nl", "../../etc/passwd", "abcdefgh_ijk", "ééééééééé"])
def test_any_other_request_id_is_replaced_by_a_new_one(offered):
    replaced = logs.accepted_request_id(offered)
    assert replaced != offered and len(replaced) == 32 and int(replaced, 16) >= 0


def test_the_context_filter_puts_the_current_request_id_on_every_record():
    stream = io.StringIO()
    handler = logs.json_handler(stream)
    logger = logging.getLogger("gdt.test.context")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with logs.request_id_as("feedc0de-0001"):
            logger.warning("inside")
        logger.warning("outside")
        logger.warning("own", extra={"request_id": "given-by-the-caller"})
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line.get("request_id") for line in lines] == ["feedc0de-0001", None, "given-by-the-caller"]


def test_the_handler_masks_a_link_token_also_in_a_logger_without_the_filter():
    stream = io.StringIO()
    logging.getLogger("gdt.test.tokens").addHandler(logs.json_handler(stream))
    logging.getLogger("gdt.test.tokens").warning("GET /doorverwijzing/%s", TOKEN)
    assert TOKEN not in stream.getvalue() and MASK in stream.getvalue()


@pytest.mark.parametrize(("log_format", "environment", "wanted"), [
    ("", "production", True), ("", "development", False), ("json", "development", True),
    ("JSON", "development", True), ("text", "production", False), ("", "test", False)])
def test_json_is_the_default_in_production_and_chosen_by_log_format(log_format, environment, wanted):
    assert logs.json_wanted(log_format, environment) is wanted


def test_json_is_read_from_the_environment_when_there_is_no_app_yet(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("GDT_ENV", "production")
    assert logs.json_wanted()
    monkeypatch.setenv("LOG_FORMAT", "text")
    assert not logs.json_wanted()
    monkeypatch.setenv("GDT_ENV", "development")
    monkeypatch.setenv("LOG_FORMAT", "json")
    assert logs.json_wanted()


def test_the_test_suite_keeps_its_own_logging():
    assert not logs.json_configured({"LOG_FORMAT": None, "ENVIRONMENT": "production"})
    assert logs.json_configured({"LOG_FORMAT": "", "ENVIRONMENT": "production"})


def test_gunicorns_error_log_becomes_json_and_its_access_log_goes_quiet():
    error_log, access_log = logging.getLogger("gdt.test.gerror"), logging.getLogger("gdt.test.gaccess")
    stream, access_stream = io.StringIO(), io.StringIO()
    error_log.addHandler(logging.StreamHandler(stream))
    access_log.addHandler(logging.StreamHandler(access_stream))
    error_log.propagate = access_log.propagate = False
    error_log.setLevel(logging.INFO)
    access_log.setLevel(logging.INFO)  # as gunicorn sets them
    logs.gunicorn_json(error_log, access_log)
    error_log.info("Booting worker with pid: %s", 42)
    access_log.info('127.0.0.1 - - "GET /cases?q=Anna HTTP/1.1" 200')
    assert json.loads(stream.getvalue())["message"] == "Booting worker with pid: 42"
    assert access_stream.getvalue() == ""
