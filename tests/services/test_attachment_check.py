"""`flask attachments check`: every row has its file (size, SHA-256) and every file in the store its row."""
import pytest

from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachment_check, attachments, thumbnails
from tests import attachment_files as files


@pytest.fixture
def store(app, tmp_path, monkeypatch):
    """An attachment store of this test's own (the suite's is shared with every other test's leftovers)."""
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path / "store"))
    return tmp_path / "store"


@pytest.fixture
def stored(db, make, store):
    """Two photos and a recording, stored as an upload stores them."""
    report = make.report()
    with unit_of_work():
        kept = [attachments.store(report, attachments.prepare(name, data))
                for name, data in (("Jansen voortuin.jpg", files.jpeg_with_gps()), ("b.png", files.png()),
                                   ("opname.wav", files.wav()))]
    return kept


def kinds(result) -> list[tuple[str, int | None, str]]:
    return [(problem.kind, problem.attachment_id, problem.path) for problem in result.problems]


def test_a_store_that_matches_its_rows_is_clean(stored, store):
    thumbnails.path_for(stored[0]).write_bytes(thumbnails.make(store / stored[0].storage_name))
    result = attachment_check.check_store()
    assert (result.rows, result.files, result.thumbnails, result.clean) == (3, 3, 1, True)


def test_a_row_without_its_file_is_named_by_id_and_file_name(stored, store):
    (store / stored[1].storage_name).unlink()
    result = attachment_check.check_store()
    assert kinds(result) == [("missing", stored[1].id, stored[1].storage_name)]
    assert result.files == 2 and not result.clean


def test_a_file_of_another_size_or_content_is_found(stored, store):
    (store / stored[0].storage_name).write_bytes(b"cut short")
    data = (store / stored[2].storage_name).read_bytes()
    (store / stored[2].storage_name).write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # same size, other bytes
    assert kinds(attachment_check.check_store()) == [("size", stored[0].id, stored[0].storage_name),
                                                     ("hash", stored[2].id, stored[2].storage_name)]
    assert kinds(attachment_check.check_store(hashes=False)) == [("size", stored[0].id, stored[0].storage_name)]


def test_a_file_or_thumbnail_without_a_row_is_found(stored, store):
    (store / "0123456789abcdef0123456789abcdef.jpg").write_bytes(b"rolled back")
    (store / "thumbnails").mkdir(exist_ok=True)
    (store / "thumbnails" / "fedcba9876543210fedcba9876543210.jpg").write_bytes(b"thumb")
    (store / "elsewhere").mkdir()
    (store / "elsewhere" / stored[0].storage_name).write_bytes(b"copied into a folder")
    result = attachment_check.check_store()
    assert kinds(result) == [("no_row", None, "0123456789abcdef0123456789abcdef.jpg"),
                             ("no_row", None, f"elsewhere/{stored[0].storage_name}"),
                             ("no_row", None, "thumbnails/fedcba9876543210fedcba9876543210.jpg")]


def test_the_command_prints_counts_and_exits_0_when_clean(runner, stored):
    result = runner.invoke(args=["attachments", "check"])
    assert result.exit_code == 0, result.output
    assert "Rows: 3; files: 3; thumbnails: 0" in result.output and "agree" in result.output


def test_the_command_lists_ids_and_file_names_only_and_exits_1(runner, stored, store):
    (store / stored[0].storage_name).unlink()
    (store / "stray.jpg").write_bytes(b"x")
    result = runner.invoke(args=["attachments", "check", "--sizes-only"])
    assert result.exit_code == 1
    assert f"file missing: attachment {stored[0].id} ({stored[0].storage_name})" in result.output
    assert "file without a row: stray.jpg" in result.output and "2 problem(s)" in result.output
    assert "Jansen" not in result.output and stored[0].report.reference not in result.output
