"""The pure reading rules: files, headers, dates, amounts, row cleaning and deal history."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from apps.imports import parsing, rows
from apps.imports.parsing import CellError, parse_amount, parse_date
from tests.imports.factories import xlsx_upload

TODAY = dt.date(2024, 6, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("2016-10-20", dt.date(2016, 10, 20)),
    ("2016/10/20", dt.date(2016, 10, 20)),
    ("10/20/2016", dt.date(2016, 10, 20)),  # US: only month first makes sense
    ("20-10-2016", dt.date(2016, 10, 20)),
    ("20.10.2016", dt.date(2016, 10, 20)),
    ("20/10/2016", dt.date(2016, 10, 20)),
    ("20/10/16", dt.date(2016, 10, 20)),
    ("20. oktober 2016", dt.date(2016, 10, 20)),
    ("20 okt 2016", dt.date(2016, 10, 20)),
    ("20. okt. 2016", dt.date(2016, 10, 20)),
    ("Torsdag d. 20. oktober 2016", dt.date(2016, 10, 20)),
    ("1. maj 2017", dt.date(2017, 5, 1)),
    ("October 20, 2016", dt.date(2016, 10, 20)),
    ("42663", dt.date(2016, 10, 20)),  # an Excel serial number exported as text
    (42663, dt.date(2016, 10, 20)),
    (dt.datetime(2016, 10, 20, 0, 0), dt.date(2016, 10, 20)),  # an Excel date cell
    (dt.date(2016, 10, 20), dt.date(2016, 10, 20)),
])
def test_parse_date_reads_every_common_format(text: object, expected: dt.date) -> None:
    assert parse_date(text, day_first=True) == expected  # type: ignore[arg-type]


def test_parse_date_keeps_a_time_of_day() -> None:
    assert parse_date("2016-10-20 14:30") == dt.datetime(2016, 10, 20, 14, 30)
    assert parse_date("20-10-2016 kl. 9.15") == dt.datetime(2016, 10, 20, 9, 15)
    assert parse_date(42663.5) == dt.datetime(2016, 10, 20, 12, 0)


def test_ambiguous_dates_follow_the_chosen_order() -> None:
    assert parse_date("03/04/2016", day_first=True) == dt.date(2016, 4, 3)
    assert parse_date("03/04/2016", day_first=False) == dt.date(2016, 3, 4)
    # Unambiguous dates ignore the order.
    assert parse_date("13/04/2016", day_first=False) == dt.date(2016, 4, 13)


@pytest.mark.parametrize("text", ["31-02-2016", "hello", "20 foo 2016", "1234", "2016-13-01", ""])
def test_parse_date_rejects_what_is_not_a_date(text: str) -> None:
    with pytest.raises(CellError):
        parse_date(text)


def test_detect_date_order_follows_the_dominant_unambiguous_pattern() -> None:
    us = parsing.detect_date_order(["10/20/2016", "11/25/2016", "03/04/2016", "2016-01-01", None])
    assert (us.day_first, us.month_first_evidence, us.ambiguous) == (False, 2, 1)
    eu = parsing.detect_date_order(["20/10/2016", "03/04/2016", "05/06/2016"])
    assert (eu.day_first, eu.day_first_evidence, eu.ambiguous) == (True, 1, 2)
    no_clue = parsing.detect_date_order(["03/04/2016"])
    assert no_clue.day_first is True


@pytest.mark.parametrize(("text", "expected"), [
    ("1.234,50", Decimal("1234.50")),
    ("1,234.50", Decimal("1234.50")),
    ("kr. 25.000", Decimal("25000")),
    ("25.000,- kr", Decimal("25000")),
    ("DKK 1 500", Decimal("1500")),
    ("12,5", Decimal("12.5")),
    (1500, Decimal("1500")),
])
def test_parse_amount_reads_danish_and_english_notation(text: object, expected: Decimal) -> None:
    assert parse_amount(text) == expected  # type: ignore[arg-type]


def test_parse_amount_rejects_words() -> None:
    with pytest.raises(CellError):
        parse_amount("a lot")


def test_semicolon_csv_in_windows_1252_is_read(tmp_path: Path) -> None:
    path = tmp_path / "danish.csv"
    path.write_bytes("Dato;Kunde;Beløb\n20-10-2016;Fyns Fødevarer;1.234,50\n".encode("cp1252"))
    source = parsing.open_source(path, "csv")
    assert source.delimiter == ";"
    assert list(source.rows()) == [["Dato", "Kunde", "Beløb"], ["20-10-2016", "Fyns Fødevarer", "1.234,50"]]


def test_comma_csv_with_bom_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "english.csv"
    path.write_bytes('\ufeffDate,Account,Notes\n2016-10-20,"Acme, Inc",Called\n'.encode())
    source = parsing.open_source(path, "csv")
    assert source.delimiter == ","
    assert list(source.rows())[1] == ["2016-10-20", "Acme, Inc", "Called"]


def test_header_row_is_found_below_a_title_and_mapped_from_danish_names() -> None:
    head = [["Mine møder 2016"], [], ["Dato", "Type", "Firma", "Resumé", ""], ["20-10-2016", "Møde", "Acme", "Godt"]]
    synonyms = rows.synonyms_for("activities", lead=False)
    shape = parsing.detect_shape(head, synonyms)
    assert shape.header_index == 2
    assert shape.columns == ["Dato", "Type", "Firma", "Resumé"]
    assert parsing.auto_mapping(shape.columns, synonyms) == {"date": 0, "type": 1, "account": 2, "summary": 3}


def test_blank_header_cells_are_named_by_column_letter() -> None:
    shape = parsing.detect_shape([["Dato", "", "Kunde"]], rows.synonyms_for("activities", lead=False))
    assert shape.columns == ["Dato", "Column B", "Kunde"]


def test_xlsx_keeps_date_cells_as_dates(tmp_path: Path) -> None:
    upload = xlsx_upload([["Date", "Account"], [dt.datetime(2016, 10, 20), "Acme"], [None, None]])
    path = tmp_path / "mine.xlsx"
    path.write_bytes(upload.read())
    source = parsing.open_source(path, "xlsx")
    all_rows = list(source.rows())
    assert all_rows[1] == [dt.datetime(2016, 10, 20), "Acme"]
    shape = parsing.detect_shape(all_rows, rows.synonyms_for("activities", lead=False))
    assert list(parsing.data_rows(iter(all_rows), shape)) == [(2, [dt.datetime(2016, 10, 20), "Acme"])]


def test_a_broken_xlsx_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(parsing.FileFormatError):
        list(parsing.open_source(path, "xlsx").rows())


ACTIVITY_MAPPING = {"date": 0, "type": 1, "account": 2, "summary": 3}


def test_clean_row_reports_blank_required_cells_and_ignores_blank_optional_ones() -> None:
    row = rows.clean_row("activities", 5, ["", "call", "  ", ""], ACTIVITY_MAPPING, day_first=True, today=TODAY)
    assert set(row.problems) == {"“Date” is empty.", "“Account” is empty."}
    ok = rows.clean_row("activities", 6, ["20-10-2016", "Opkald", "Acme", ""], ACTIVITY_MAPPING,
                        day_first=True, today=TODAY)
    assert ok.problems == []
    assert ok.values["type"] == "call"
    assert ok.values["summary"] is None
    assert ok.values["occurred_at"] == dt.datetime(2016, 10, 20, 12, 0)


def test_clean_row_rejects_unknown_types_and_future_dates() -> None:
    row = rows.clean_row("activities", 2, ["2030-01-01", "fax", "Acme"], ACTIVITY_MAPPING, day_first=True, today=TODAY)
    assert len(row.problems) == 2
    assert "future" in row.problems[0]
    assert "fax" in row.problems[1]


def test_clean_deal_row_checks_dates_and_amount() -> None:
    mapping = {"name": 0, "account": 1, "stage": 2, "engaged_on": 3, "closed_on": 4, "amount": 5}
    row = rows.clean_row("deals", 2, ["Pilot", "Acme", "Won", "2016-10-20", "2016-10-01", "lots"], mapping,
                         day_first=True, today=TODAY)
    assert any("before the engage date" in p for p in row.problems)
    assert any("amount" in p.lower() for p in row.problems)


STAGES = [rows.StageInfo(1, "Lead", 1, False), rows.StageInfo(2, "Meeting", 2, False),
          rows.StageInfo(3, "Proposal", 3, False), rows.StageInfo(9, "Won", 90, True, True),
          rows.StageInfo(10, "Tabt", 91, True, False)]
DEAL_MAPPING = {"name": 0, "account": 1, "stage": 2, "engaged_on": 3, "closed_on": 4}


def _lookups(**kwargs: object) -> rows.Lookups:
    defaults: dict[str, object] = {"uploader_id": 7, "unknown_accounts": "create", "accounts": {}, "stages": STAGES,
                                   "people": rows.PeopleIndex(), "deals": {}, "today": TODAY}
    return rows.Lookups(**{**defaults, **kwargs})  # type: ignore[arg-type]


def test_open_deals_need_neither_account_nor_dates() -> None:
    row = rows.clean_row("deals", 2, ["Pilot", "", "Lead", "", ""], DEAL_MAPPING, day_first=True, today=TODAY)
    rows.resolve_row("deals", row, _lookups())
    assert row.problems == []
    assert (row.values["account"], row.values["engaged_on"], row.values["closed_on"]) == (None, None, None)


def test_won_and_lost_answer_to_the_words_crms_use() -> None:
    lookups = _lookups()
    assert lookups.stage_named("Closed Won").pk == 9
    assert lookups.stage_named("closed lost").pk == 10  # the org calls its lost stage "Tabt"
    assert lookups.stage_named("  meeting ").pk == 2
    assert lookups.stage_named("Dreaming") is None


def test_an_open_deals_close_date_is_an_expectation_and_a_closed_one_cannot_be_in_the_future() -> None:
    open_row = rows.clean_row("deals", 2, ["Pilot", "", "Proposal", "2024-01-01", "2024-09-30"], DEAL_MAPPING,
                              day_first=True, today=TODAY)
    rows.resolve_row("deals", open_row, _lookups())
    assert (open_row.problems, open_row.values["closed_on"]) == ([], None)
    won_row = rows.clean_row("deals", 3, ["Pilot", "", "Won", "2024-01-01", "2024-09-30"], DEAL_MAPPING,
                             day_first=True, today=TODAY)
    rows.resolve_row("deals", won_row, _lookups())
    assert "future" in won_row.problems[0]


def test_a_deal_without_a_name_is_named_from_its_product_and_account_when_it_has_an_id() -> None:
    mapping = {"external_id": 0, "product": 1, "account": 2, "stage": 3}
    row = rows.clean_row("deals", 2, ["1C1I7A6R", "GTX Plus Basic", "Cancity", "Won"], mapping, day_first=True,
                         today=TODAY)
    assert row.values["name"] == "GTX Plus Basic · Cancity"
    no_name = rows.clean_row("deals", 3, ["", "", "", "Won"], mapping, day_first=True, today=TODAY)
    assert "“Deal name” is empty." in no_name.problems
    assert rows.mapping_problems("deals", {"stage": 0}, lead=True, column_count=3) == [
        "Choose the column that holds “Deal name” or “Opportunity id”."]


def test_a_deal_is_the_same_deal_by_its_id_or_else_by_owner_account_and_name() -> None:
    by_id = rows.deal_identity({"external_id": "1C1I7A6R", "owner_id": 1, "account": "A", "name": "x"})
    assert by_id == rows.deal_identity({"external_id": "1c1i7a6r", "owner_id": 2, "account": None, "name": "y"})
    by_name = rows.deal_identity({"external_id": None, "owner_id": 1, "account": "Acme", "name": "Pilot"})
    assert by_name == rows.deal_identity({"owner_id": 1, "account": "ACME ", "name": "pilot"})
    assert by_name != rows.deal_identity({"owner_id": 2, "account": "Acme", "name": "Pilot"})
    assert len(by_id) == len(by_name) == 64


def test_changed_deal_fields_compare_snapshots_field_by_field() -> None:
    before = rows.deal_snapshot({"owner_id": 1, "name": "Pilot", "account": "Acme", "stage_id": 1,
                                 "engaged_on": dt.date(2024, 1, 1), "closed_on": None, "amount": Decimal("25000"),
                                 "product": None})
    same = rows.deal_snapshot({**before, "engaged_on": dt.date(2024, 1, 1), "amount": Decimal("25000.00"),
                               "account": "ACME", "product": ""})
    assert rows.changed_deal_fields(before, same) == []
    moved = rows.deal_snapshot({**same, "stage_id": 9, "closed_on": dt.date(2024, 2, 1), "amount": Decimal("1")})
    assert rows.changed_deal_fields(before, moved) == ["stage_id", "closed_on", "amount"]
    assert rows.changed_deal_fields({}, moved) == []  # nothing recorded: nothing known to have changed


def test_idempotency_key_depends_on_content_and_occurrence_only() -> None:
    values = {"owner_id": 1, "occurred_at": dt.datetime(2016, 10, 20, 12), "type": "call",
              "account": "Acme", "deal": None, "summary": "Hi"}
    content = rows.row_content_key("activities", values)
    assert content == rows.row_content_key("activities", {**values, "account": "ACME"})
    assert rows.idempotency_key(content, 0) != rows.idempotency_key(content, 1)
    assert rows.idempotency_key(content, 0) == rows.idempotency_key(content, 0)
