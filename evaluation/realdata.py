"""Turn three real labelled datasets into landing dumps that follow the landing contract.

Each dataset becomes the complete follower list of one synthetic "audit" account, so the
warehouse audits it like any tracked account; the labels go to a separate CSV outside the
landing root (the warehouse never sees them).

* ``cresci2015`` (Twitter, Cresci et al., "Fame for sale", DSS 80, 2015): E13 genuine users
  (is_fake=false) + INT bought followers (is_fake=true), Twitter API v1.1 user objects.
  ``id`` -> account_id, ``screen_name`` -> handle, ``name`` -> display_name, ``description`` ->
  bio, ``location``, ``lang``, ``created_at`` ("Fri Apr 06 10:58:22 +0000 2007" -> ISO 8601 Z),
  ``followers_count``, ``friends_count`` -> following_count, ``statuses_count`` -> posts_count,
  ``listed_count``, ``default_profile_image`` -> has_default_avatar, ``verified``, ``url``.
* ``srf2017`` (Instagram, SRF Data 2017, CC BY-SA 4.0): 975 followers of Swiss influencers
  hand-labelled by two journalists (``rating`` TRUE = fake). There are no numeric ids, so the
  username is both account_id and handle.
* ``instafake2019`` (Instagram, Akyon & Kalfaoglu, "Instagram fake and automated account
  detection", 2019): ``fakeAccountData.json`` (200 fake, is_fake=true) and
  ``realAccountData.json`` (994 real). Only features were published: ``userFollowerCount``,
  ``userFollowingCount``, ``userMediaCount`` -> posts_count, ``userHasProfilPic`` -> not
  has_default_avatar, ``userIsPrivate`` -> is_private (extra column), ``userBiographyLength``,
  ``usernameDigitCount``, ``usernameLength``. There are no usernames or bios, so the loader
  synthesises neutral ones, deterministically from the file order: account_id
  ``instafake-<fake|real>-<nnnn>``; the handle has the published length, letters cycled from
  the alphabet followed by the published number of digits as one run (a run's length is not
  published: one run at the end is the common shape, so handle_digit_run = usernameDigitCount);
  the bio is the letter ``x`` repeated to the published length (so an empty bio stays a known
  ``""``). Every other profile column is unknown (null).

Unknown is not evidence:

* Cresci's crawl always returned the full profile and wrote false/absent values as empty cells,
  so an empty ``description``/``location`` is a *known* empty string (written ``""``, not null)
  and an empty ``default_profile_image``/``verified`` is a known ``false``. An empty ``url`` is
  written as null (url is not used downstream).
* SRF published only counts, the avatar flag and the private flag. Every other profile column
  (bio, created_at, lang, display_name, ...) is absent from the dump, hence null (unknown) in
  the warehouse, never an invented "no bio". ``is_private`` is an extra column (kept in raw).
* The source labels never enter the landing: Cresci's ``dataset`` column (E13/INT) is dropped.

Data quirks: no E13 account carries the Twitter ``verified`` flag ("verified" in the paper means
checked by the researchers), so ``verified`` is false for all 2,818 Cresci rows. E13 is mostly
Italian (``lang`` 'it') and INT almost all 'en': language alone separates the two sets, an
artefact of the dataset rather than a fake-follower signal. The crawl ran on 2015-02-14 while
the dump is dated ``dump_date``, so account ages read ~9 years older than at crawl time. SRF has
no duplicate usernames (the file name says 1000, it holds 975 rows); should one appear, the
first row in file order is kept (case-insensitive), and rows without a username are skipped.

All conversion is set-based DuckDB SQL; file paths are always bound as SQL parameters.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

log = logging.getLogger(__name__)

ENV_VAR = "TRUEFANS_REALDATA"
CRESCI_DIR = "cresci2015_fake_project"
CRESCI_GENUINE = f"{CRESCI_DIR}/E13_genuine_users.csv"
CRESCI_FAKE = f"{CRESCI_DIR}/INT_fake_followers_users.csv"
SRF_LABELLED = "srf_instagram_influencer_followers/labelled_1000_inclprivate.csv"
INSTAFAKE_DIR = "instafake_instagram"
INSTAFAKE_FAKE = f"{INSTAFAKE_DIR}/fakeAccountData.json"
INSTAFAKE_REAL = f"{INSTAFAKE_DIR}/realAccountData.json"


@dataclass(frozen=True)
class RealSet:
    name: str  # "cresci2015" | "srf2017" | "instafake2019"
    platform: str
    audit_account_id: str
    title: str
    paper_reference: str  # the published figure to print next to ours


CRESCI2015 = RealSet(
    name="cresci2015",
    platform="twitter",
    audit_account_id="audit-cresci2015",
    title="Cresci 2015 E13 vs INT",
    paper_reference=(
        "paper: best single rule MCC 0.768, RF 19 features MCC 0.967 "
        "(Cresci et al. 2015, 10-fold CV on 1,950 humans + 1,950 fakes)"
    ),
)
SRF2017 = RealSet(
    name="srf2017",
    platform="instagram",
    audit_account_id="audit-srf2017",
    title="SRF Data 2017 Instagram hand labels",
    paper_reference="no published MCC (journalists' hand labels, 98 of 975 fake)",
)
INSTAFAKE2019 = RealSet(
    name="instafake2019",
    platform="instagram",
    audit_account_id="audit-instafake2019",
    title="InstaFake 2019 fake vs real",
    paper_reference="no published MCC (Akyon & Kalfaoglu 2019, 200 fake of 1,194)",
)
REAL_SETS: tuple[RealSet, ...] = (CRESCI2015, SRF2017, INSTAFAKE2019)
_TABLES: tuple[tuple[RealSet, str], ...] = (
    (CRESCI2015, "cresci"),
    (SRF2017, "srf"),
    (INSTAFAKE2019, "instafake"),
)

_READ = "header=true, all_varchar=true, delim=',', quote='\"', escape='\"', strict_mode=true"
_WRITE = "(format csv, header true)"


def _bool(col: str) -> str:
    """SQL: the text as a boolean, null when it is neither a true nor a false spelling."""
    v = f"lower(trim({col}))"
    return f"(case when {v} in ('true', '1', 'yes') then true when {v} in ('false', '0', 'no') then false end)"


def _flag(col: str) -> str:
    """SQL for a Cresci flag: "1" is true and an empty cell is a known false."""
    return f"(case when nullif(trim({col}), '') is null then false else {_bool(col)} end)"


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# One row per follower: the contract's accounts columns (typed as text, timestamps in ISO 8601 Z)
# plus `is_fake`, which only the labels file receives.
_CRESCI_SQL = f"""
create or replace temp table cresci as
with src as (
  select *, false as is_fake from read_csv($genuine, {_READ})
  union all by name
  select *, true as is_fake from read_csv($fake, {_READ})
)
select
  trim(id) as account_id,
  'twitter' as platform,
  $observed_at as observed_at,
  screen_name as handle,
  name as display_name,
  coalesce(description, '') as bio,
  coalesce(location, '') as location,
  lang,
  strftime(timezone('UTC', strptime(trim(created_at), '%a %b %d %H:%M:%S %z %Y')),
           '%Y-%m-%dT%H:%M:%SZ') as created_at,
  cast(followers_count as bigint) as followers_count,
  cast(friends_count as bigint) as following_count,
  cast(statuses_count as bigint) as posts_count,
  cast(listed_count as bigint) as listed_count,
  {_flag("default_profile_image")} as has_default_avatar,
  {_flag("verified")} as verified,
  nullif(trim(url), '') as url,
  is_fake
from src
order by is_fake, account_id
"""

# Loaded first into a table so that rowid is the file order (duplicates keep the first row).
_SRF_SOURCE_SQL = (
    f"create or replace temp table srf_source as select * from read_csv($labelled, {_READ})"
)
_SRF_SQL = f"""
create or replace temp table srf as
with kept as (
  select rowid as src_row, * from srf_source
  where nullif(trim("Username"), '') is not null
  qualify row_number() over (partition by lower(trim("Username")) order by src_row) = 1
)
select
  trim("Username") as account_id,
  'instagram' as platform,
  $observed_at as observed_at,
  trim("Username") as handle,
  cast("Number.of.followers" as bigint) as followers_count,
  cast("Number.of.people.they.follow" as bigint) as following_count,
  cast("Number.of.posts" as bigint) as posts_count,
  not {_bool('"has_profile_picture"')} as has_default_avatar,
  {_bool('"Private.account"')} as is_private,
  {_bool("rating")} as is_fake
from kept
order by src_row
"""


# Neutral handles and bios with the published lengths and digit counts (module docstring).
# Loaded first into a table (fake file, then real) so that rowid is the file order.
_INSTAFAKE_SOURCE_SQL = (
    "create or replace temp table instafake_source as "
    "select *, true as is_fake, 'fake' as part from read_json($fake, format='array')",
    "insert into instafake_source by name "
    "select *, false as is_fake, 'real' as part from read_json($real, format='array')",
)
_INSTAFAKE_SQL = """
create or replace temp table instafake as
with numbered as (
  select *, row_number() over (partition by part order by src_row) as n
  from (select rowid as src_row, * from instafake_source)
)
select
  'instafake-' || part || '-' || lpad(cast(n as varchar), 4, '0') as account_id,
  'instagram' as platform,
  $observed_at as observed_at,
  substr(repeat('abcdefghijklmnopqrstuvwxyz', 3),
         1 + cast(n % 26 as integer),
         greatest(cast(usernameLength as integer) - cast(usernameDigitCount as integer), 0))
    || substr(lpad(cast(n as varchar), 10, '0'),
              11 - cast(usernameDigitCount as integer)) as handle,
  repeat('x', cast(userBiographyLength as integer)) as bio,
  cast(userFollowerCount as bigint) as followers_count,
  cast(userFollowingCount as bigint) as following_count,
  cast(userMediaCount as bigint) as posts_count,
  cast(userHasProfilPic as integer) = 0 as has_default_avatar,
  cast(userIsPrivate as integer) = 1 as is_private,
  is_fake
from numbered
order by is_fake, account_id
"""


def default_realdata_dir() -> Path:
    """`$TRUEFANS_REALDATA`, else `<repo>/../shared/realdata`."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def _source_files(realdata_dir: Path) -> dict[str, Path]:
    files = {
        "genuine": realdata_dir / CRESCI_GENUINE,
        "fake": realdata_dir / CRESCI_FAKE,
        "labelled": realdata_dir / SRF_LABELLED,
        "instafake_fake": realdata_dir / INSTAFAKE_FAKE,
        "instafake_real": realdata_dir / INSTAFAKE_REAL,
    }
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise FileNotFoundError(
            f"real labelled data not found: {', '.join(missing)} "
            f"(set {ENV_VAR} or pass realdata_dir; expected the shared realdata folder)"
        )
    return files


def _copy(con: duckdb.DuckDBPyConnection, select_sql: str, path: Path) -> int:
    """COPY a query to a CSV file (path bound as a parameter); returns the rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    row = con.execute(f"copy ({select_sql}) to $path {_WRITE}", {"path": str(path)}).fetchone()
    return int(row[0]) if row else 0


def write_real_landing(
    landing: Path,
    labels_csv: Path,
    realdata_dir: Path | None = None,
    dump_date: dt.date = dt.date(2024, 1, 1),
) -> dict[str, int]:
    """Write the real sets as one landing dump dated `dump_date`, and their labels CSV.

    Returns rows written, keyed `tracked_accounts`, `<set>/accounts`,
    `<set>/follower_snapshots` and `labels` (all sets).
    Raises FileNotFoundError naming the missing source file(s) if the realdata folder is absent.
    """
    files = _source_files(realdata_dir or default_realdata_dir())
    landing, labels_csv = Path(landing), Path(labels_csv)
    day = dump_date.isoformat()
    observed_at = f"{day}T12:00:00Z"
    counts: dict[str, int] = {}
    con = duckdb.connect()
    try:
        con.execute(
            _CRESCI_SQL,
            {
                "genuine": str(files["genuine"]),
                "fake": str(files["fake"]),
                "observed_at": observed_at,
            },
        )
        con.execute(_SRF_SOURCE_SQL, {"labelled": str(files["labelled"])})
        con.execute(_SRF_SQL, {"observed_at": observed_at})
        con.execute(_INSTAFAKE_SOURCE_SQL[0], {"fake": str(files["instafake_fake"])})
        con.execute(_INSTAFAKE_SOURCE_SQL[1], {"real": str(files["instafake_real"])})
        con.execute(_INSTAFAKE_SQL, {"observed_at": observed_at})
        (n_source,) = con.execute("select count(*) from srf_source").fetchone()  # type: ignore[misc]
        (n_kept,) = con.execute("select count(*) from srf").fetchone()  # type: ignore[misc]
        if n_source != n_kept:
            log.warning("srf2017: dropped %d duplicate or empty usernames", n_source - n_kept)

        audit_rows = " union all ".join(
            f"select {_lit(s.platform)} as platform, {_lit(s.audit_account_id)} as account_id, "
            f"{_lit(s.title)} as name, null::varchar as home_country, null::varchar as home_lang"
            for s in REAL_SETS
        )
        counts["tracked_accounts"] = _copy(
            con, f"{audit_rows} order by platform", landing / "tracked_accounts" / day / "audit.csv"
        )
        for s, table in _TABLES:
            followee = _lit(s.audit_account_id)
            counts[f"{s.name}/accounts"] = _copy(
                con,
                f"select * exclude (is_fake) from {table}",
                landing / "accounts" / day / f"{s.name}.csv",
            )
            counts[f"{s.name}/follower_snapshots"] = _copy(
                con,
                f"select platform, {followee} as followee_id, account_id as follower_id, "
                f"observed_at as snapshot_at from {table}",
                landing / "follower_snapshots" / day / f"{s.name}.csv",
            )
        labels = " union all ".join(
            f"select {_lit(s.name)} as dataset, platform, {_lit(s.audit_account_id)} as account_id, "
            f"account_id as follower_id, is_fake from {table}"
            for s, table in _TABLES
        )
        counts["labels"] = _copy(con, f"{labels} order by dataset, follower_id", labels_csv)
    finally:
        con.close()
    return counts
