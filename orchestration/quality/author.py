"""Compile orchestration.quality.suite_specs into the committed GE JSON suites.

    python -m orchestration.quality.author           # (re)write expectations/gx/expectations/
    python -m orchestration.quality.author --check   # exit 1 if the JSON differs from the specs

Output is deterministic: ids are UUID5s of the suite name (and of the expectation's position),
keys are sorted, so regenerating unchanged specs rewrites identical bytes. Suite files that no
spec produces are removed (``--check`` reports them).
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.metadata_types import FailureSeverity

from orchestration.quality.suite_specs import SPECS, TableSpec
from orchestration.quality.suites import suites_dir

ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://truefans/expectations")


def expectations_for(spec: TableSpec) -> list[gxe.Expectation]:
    """The spec's expectations, in a fixed order (their ids depend on it)."""
    out: list[gxe.Expectation] = [
        gxe.ExpectTableColumnsToMatchSet(column_set=list(spec.columns), exact_match=False)
    ]
    not_null = list(dict.fromkeys(spec.key + spec.not_null))
    out += [gxe.ExpectColumnValuesToNotBeNull(column=c) for c in not_null]
    if spec.key:
        out.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(spec.key)))
    for column, (low, high) in spec.ranges:
        out.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high))
    for column, values in spec.accepted:
        out.append(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values)))
    if spec.sha256_column:
        out.append(gxe.ExpectColumnValueLengthsToEqual(column=spec.sha256_column, value=64))
    out.append(gxe.ExpectTableRowCountToBeBetween(min_value=spec.min_rows))
    for check in spec.sql:
        out.append(
            gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=check.query.strip(),
                description=check.description,
                severity=FailureSeverity(check.severity),
                meta={"check": check.name},
            )
        )
    return out


def suite_json(spec: TableSpec) -> dict[str, Any]:
    expectations = []
    for index, expectation in enumerate(expectations_for(spec)):
        config = expectation.configuration.to_json_dict()
        config["id"] = str(uuid.uuid5(ID_NAMESPACE, f"{spec.name}/{index}"))
        expectations.append(config)
    meta: dict[str, Any] = {"great_expectations_version": gx.__version__, "table": spec.table}
    if spec.notes:
        meta["notes"] = spec.notes
    return {
        "expectations": expectations,
        "id": str(uuid.uuid5(ID_NAMESPACE, spec.name)),
        "meta": meta,
        "name": spec.name,
        "notes": None,
    }


def render(spec: TableSpec) -> str:
    return json.dumps(suite_json(spec), indent=2, sort_keys=True) + "\n"


def rendered_suites() -> dict[str, str]:
    """``{file name: JSON text}`` for every spec."""
    names = [spec.name for spec in SPECS]
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate suite names in SPECS: {sorted(names)}")
    return {f"{spec.name}.json": render(spec) for spec in SPECS}


def drift(directory: Path | None = None) -> list[str]:
    """Files that differ from, are missing from or are not produced by the specs."""
    directory = directory or suites_dir()
    wanted = rendered_suites()
    present = {p.name: p.read_text(encoding="utf-8") for p in directory.glob("*.json")}
    return sorted(
        name for name in wanted.keys() | present.keys() if wanted.get(name) != present.get(name)
    )


def write_suites(directory: Path | None = None) -> list[str]:
    """Write every suite, remove suites no spec produces; returns the file names changed."""
    directory = directory or suites_dir()
    directory.mkdir(parents=True, exist_ok=True)
    changed = drift(directory)
    wanted = rendered_suites()
    for name in changed:
        path = directory / name
        if name in wanted:
            path.write_text(wanted[name], encoding="utf-8")
        else:
            path.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report drift, exit 1 if any")
    args = parser.parse_args(argv)
    if args.check:
        stale = drift()
        for name in stale:
            print(f"drift: {name}")
        return 1 if stale else 0
    changed = write_suites()
    total = sum(len(expectations_for(s)) for s in SPECS)
    print(f"{len(SPECS)} suites, {total} expectations; {len(changed)} file(s) written or removed")
    for name in changed:
        print(f"  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
