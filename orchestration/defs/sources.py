"""Sources: one asset per adapter (group `sources`), writing landing files from a platform export
or a public API, the same code as `truefans import <source>`. Launch it from `dagster dev` with a
config (the target and, like the command line, any options); the new dump-date folders it writes
are then loaded by the nightly job (the `new_dump_sensor` starts it). Not part of
`nightly_refresh`: an import needs its target, the nightly run only reads the landing root."""

# no `from __future__ import annotations` here: Dagster reads the asset function's annotations
# at definition time, and a string 'ImportConfig' inside build_source_asset cannot be resolved
# (DagsterInvalidPythonicConfigDefinitionError as soon as one source is registered)
import dagster as dg
from pydantic import Field

from orchestration.defs.resources import WarehouseResource

SOURCES_GROUP = "sources"


class ImportConfig(dg.Config):
    target: str  # what `truefans import <source> <target>` takes: an export path, a handle
    # further options as on the command line, e.g. ["--base-url", "http://127.0.0.1:8080"]
    args: list[str] = Field(default_factory=list)


def build_source_asset(name: str) -> dg.AssetsDefinition:
    from orchestration.sources.registry import get_source

    source = get_source(name)

    @dg.asset(
        key=dg.AssetKey([SOURCES_GROUP, name.replace("-", "_")]),
        group_name=SOURCES_GROUP,
        kinds={"python"},
        owners=["team:data-engineering"],
        description=f"{source.help}. Writes landing files (LANDING_CONTRACT.md) for "
        f"`{source.platform}`; config `target`: {source.target_help}.",
    )
    def _import(
        context: dg.AssetExecutionContext, config: ImportConfig, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        from orchestration.cli.imports import import_into_landing, parse_source_args
        from orchestration.sources.base import SourceError

        args = parse_source_args(
            name, [config.target, "--landing", str(warehouse.landing), *config.args]
        )
        try:
            written = import_into_landing(args)
        except SourceError as exc:
            raise dg.Failure(description=f"{name}: {exc}") from exc
        for f in written:
            context.log.info(f"{f.status} {f.rows} rows {f.path}")
        return dg.MaterializeResult(
            metadata={
                "files": len(written),
                "files_new_or_changed": sum(f.status != "unchanged" for f in written),
                "rows": sum(f.rows for f in written),
                "paths": dg.MetadataValue.json(
                    sorted(str(f.path.relative_to(warehouse.landing)) for f in written)
                ),
            }
        )

    return _import


def source_assets() -> list[dg.AssetsDefinition]:
    from orchestration.sources.registry import source_names

    return [build_source_asset(name) for name in source_names()]
