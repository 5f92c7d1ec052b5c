"""Write-audit-publish: the audited marts, published to the serving file BI tools open read-only.

`publish` builds and swaps in the serving file; `info` reads it back for `truefans serve-info`.
"""
