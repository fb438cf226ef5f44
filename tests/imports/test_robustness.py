"""Bad files get a clear message per file or per row, never a server error (issue 12, point 3)."""

import codecs
import itertools
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.imports import parsing, rows
from apps.imports.models import ImportRowError
from apps.imports.parsing import MAX_CELL_CHARS, FileFormatError
from tests.conftest import World
from tests.imports.factories import imported_job

TEXT = "Dato;Type;Kunde;Resumé\n20-10-2023;Møde;Fyns Fødevarer;Demo på æøå\n"


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-8"),
    codecs.BOM_UTF8 + TEXT.encode("utf-8"),
    TEXT.encode("utf-16"),  # with its byte-order mark, as Excel's "Unicode text" writes it
    TEXT.encode("utf-16-le"),  # without one
    TEXT.encode("utf-16-be"),
    TEXT.encode("cp1252"),  # old Danish Excel
])
def test_every_common_encoding_reads_the_same_text(data: bytes) -> None:
    assert parsing.decode_csv_bytes(data) == TEXT


def test_nul_bytes_are_dropped_and_binary_files_refused() -> None:
    assert parsing.decode_csv_bytes(b"a;b\x00\nc;d\n") == "a;b\nc;d\n"
    with pytest.raises(FileFormatError):
        parsing.decode_csv_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # a lone surrogate in UTF-16


def test_a_cell_over_the_limit_is_a_problem_of_its_row_naming_the_limit(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    huge = "x" * 200_000  # beyond the csv module's own 131,072
    data = f"Dato;Type;Kunde;Resumé\n20-10-2023;call;Acme;{huge}\n21-10-2023;call;Acme;ok\n".encode()
    job = imported_job(world.rita, SimpleUploadedFile("big.csv", data), django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.error_rows) == (1, 1)
    problem = ImportRowError.objects.get(job=job)
    assert problem.messages == [f"Column D has 200,000 characters; a cell may hold at most {MAX_CELL_CHARS:,}."]
    assert len(problem.raw[3]) == MAX_CELL_CHARS


def test_bad_uploads_answer_with_a_message_not_a_500(world: World) -> None:
    client = world.client_for(world.rita)
    for name, data in [("x.csv", b"\x00" * 5000), ("x.csv", codecs.BOM_UTF16_LE + b"\x00\xd8" * 10),
                       ("x.xlsx", b"PK\x03\x04broken"), ("x.csv", b"")]:
        response = client.post(reverse("imports:start"), {"file": SimpleUploadedFile(name, data), "kind": "activities"})
        assert response.status_code == 400, name


def test_a_file_over_the_size_limit_is_refused_with_the_limit(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.imports import forms

    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 1024 * 1024)
    client = world.client_for(world.rita)
    upload = SimpleUploadedFile("big.csv", b"a;b\n" * 300_000)
    response = client.post(reverse("imports:start"), {"file": upload, "kind": "activities"})
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.content.decode()


def _parse_everything(path: Path, extension: str) -> None:
    """Run a file through every reading step the import makes, as the preview does."""
    source = parsing.open_source(path, extension)
    synonyms = rows.synonyms_for("deals", lead=True)
    shape = parsing.detect_shape(list(itertools.islice(source.rows(), 10)), synonyms)
    mapping = parsing.auto_mapping(shape.columns, synonyms)
    for number, cells in parsing.data_rows(source.rows(), shape):
        row = rows.clean_row("deals", number, cells, mapping, day_first=True, today=parsing.dt.date(2026, 1, 1))
        assert all(isinstance(p, str) and p for p in row.problems)
        assert all("\x00" not in parsing.cell_text(c) for c in cells)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=3000),
    st.lists(st.lists(st.text(max_size=40), max_size=8), max_size=20).flatmap(
        lambda table: st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252", "utf-8-sig"]).map(
            lambda enc: "\n".join(";".join(row) for row in [["opportunity_id", "deal_stage", "engage_date",
                                                             "close_value"], *table]).encode(enc, "replace"))),
))
def test_fuzz_the_parser_finds_only_clear_file_errors(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    message = "parsed"
    try:
        _parse_everything(path, "csv")
    except FileFormatError as error:  # the only failure allowed: a message for the person
        message = str(error)
    assert message
