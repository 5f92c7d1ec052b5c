"""CSV line endings, and where a quarantined record was: its file line and its text as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from landing_helpers import jsonl, load, open_warehouse, write, write_parquet

from orchestration.ingest.csv_lines import normalised_copy

DAY = "2026-01-05"
HEADER = "platform,follower_id,followee_id,action,event_at"


def _row(follower: str, action: str = "follow") -> str:
    return f"twitter,{follower},1,{action},2026-01-05T08:00:00Z"


@pytest.fixture
def con(tmp_path: Path):
    connection = open_warehouse(tmp_path)
    yield connection
    connection.close()


def _quarantine(con) -> list[tuple]:
    return con.execute(
        "select source_row, raw_text, reason from raw.quarantine order by source_row"
    ).fetchall()


@pytest.mark.parametrize("name", ["f.csv", "f.csv.gz"])
def test_crlf_file_with_appended_lf_lines_loads(tmp_path: Path, con, name: str) -> None:
    """The issue's file: CRLF lines, then two lines appended with LF; one of them is bad."""
    crlf = "\r\n".join([HEADER, _row("a"), '"twitter","b",1,follow,2026-01-05T08:00:00Z']) + "\r\n"
    write(tmp_path, "follows", DAY, name, crlf + _row("c") + "\n" + _row("d", "block") + "\n")
    result = load(con, tmp_path, "follows", DAY)
    (file,) = result.files
    assert (file.status, file.rows_read, file.rows_loaded, file.rows_quarantined) == (
        "loaded",
        4,
        3,
        1,
    )
    followers = con.execute("select follower_id from raw.follows order by all").fetchall()
    assert followers == [("a",), ("b",), ("c",)]
    ((line, text, reason),) = _quarantine(con)
    assert (line, text) == (5, _row("d", "block"))
    assert reason.startswith("unknown action 'block'")


def test_mixed_endings_keep_quoted_line_breaks_exactly(tmp_path: Path, con) -> None:
    header = "account_id,platform,observed_at,bio"
    body = "\r\n".join([header, 'a,x,2026-01-05,"one\r\ntwo"', 'b,x,2026-01-05,"three\nfour"'])
    write(tmp_path, "accounts", DAY, "a.csv", body + "\r\nc,x,2026-01-05,plain\n")
    load(con, tmp_path, "accounts", DAY)
    bios = con.execute("select account_id, bio from raw.accounts order by all").fetchall()
    assert bios == [("a", "one\r\ntwo"), ("b", "three\nfour"), ("c", "plain")]


def test_normalised_copy_streams_across_block_boundaries(tmp_path: Path, monkeypatch) -> None:
    import orchestration.ingest.csv_lines as csv_lines

    monkeypatch.setattr(csv_lines, "_CHUNK", 3)  # \r\n and quoted fields split between blocks
    src, dst = tmp_path / "in.csv", tmp_path / "out.csv"
    src.write_bytes(b'a,b\r\n1,"x\r\ny"\r\n2,3\n4,"5\r"\r\n6,7\r')
    normalised_copy(src, False, dst)
    assert dst.read_bytes() == b'a,b\n1,"x\r\ny"\n2,3\n4,"5\r"\n6,7\n'


def test_quarantined_csv_records_keep_their_file_line_and_text(tmp_path: Path, con) -> None:
    """Records spanning lines, a blank line and a malformed record before the bad rows: each
    quarantined record names the line it starts on and keeps its lines as written."""
    lines = [
        "account_id,platform,observed_at,bio,followers_count",  # 1
        'a,x,2026-01-05,"multi',  # 2
        "line",  # 3
        'bio",5',  # 4
        "b,x,2026-01-05,short,many",  # 5: not an integer
        "",  # 6: blank, skipped
        "c,x,2026-01-05,too,many,columns",  # 7: malformed
        'd,x,2026-01-05,"quoted, ""comma""",-1',  # 8: negative
        'e,x,2026-01-05,"two',  # 9
        'lines",7',  # 10
    ]
    write(tmp_path, "accounts", DAY, "a.csv", "\n".join(lines) + "\n")
    result = load(con, tmp_path, "accounts", DAY)
    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (5, 2, 3)
    got = _quarantine(con)
    assert [(line, text) for line, text, _ in got] == [
        (5, lines[4]),
        (7, lines[6]),
        (8, lines[7]),
    ]
    assert [reason.split(":")[0] for _, _, reason in got] == [
        "not an integer",
        "malformed CSV record",
        "negative count",
    ]
    # the raw layer's lineage stays the record number within the loaded rows
    assert con.execute(
        "select account_id, _source_row from raw.accounts order by 1"
    ).fetchall() == [
        ("a", 1),
        ("e", 4),
    ]


def test_quarantined_record_spanning_lines_keeps_all_its_lines(tmp_path: Path, con) -> None:
    text = "\n".join([HEADER, _row("a"), 'twitter,"b', 'c",1,poke,2026-01-05T08:00:00Z']) + "\n"
    write(tmp_path, "follows", DAY, "f.csv", text)
    load(con, tmp_path, "follows", DAY)
    ((line, raw_text, _),) = _quarantine(con)
    assert (line, raw_text) == (3, 'twitter,"b\nc",1,poke,2026-01-05T08:00:00Z')


def test_jsonl_keeps_the_line_as_written_and_parquet_the_row_number(tmp_path: Path, con) -> None:
    bad = '{"platform": "twitter",  "follower_id": "z", "followee_id": "1", "action": "block", "event_at": "2026-01-05"}'
    write(tmp_path, "follows", DAY, "f.jsonl", jsonl("", bad))
    write_parquet(
        tmp_path,
        "follows",
        DAY,
        "f.parquet",
        "select 'twitter' as platform, 'p' || i as follower_id, '1' as followee_id, "
        "case i when 2 then 'poke' else 'follow' end as action, '2026-01-05' as event_at "
        "from range(3) t(i)",
    )
    load(con, tmp_path, "follows", DAY)
    got = con.execute(
        "select source_file, source_row, raw_text from raw.quarantine order by source_file"
    ).fetchall()
    assert got[0] == (f"follows/{DAY}/f.jsonl", 2, bad)  # the line itself, not re-serialised
    assert got[1][:2] == (f"follows/{DAY}/f.parquet", 3)  # Parquet: the row number
    assert '"action":"poke"' in got[1][2]  # and the row as JSON
