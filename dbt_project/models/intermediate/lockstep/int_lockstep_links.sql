-- Pairs of actors acting in lockstep: they acted (same action kind) on at least
-- var('lockstep_min_targets') common targets within var('lockstep_window_seconds') seconds of
-- each other, and those are at least var('lockstep_min_share') of the targets the less active of
-- the two acted on. One row per pair; actor_a is the less active one (ties by id).
-- Built in var('lockstep_pair_chunks') statements, one per chunk of actor_a, so that the pair
-- search stays within DuckDB's memory limit: see macros/lockstep_links.sql.
{{ config(post_hook=lockstep_links_chunk_hooks()) }}

{{ lockstep_links_chunk(0) }}
