"""The audit report: static HTML pages per tracked account, built from the serving marts."""
