"""Quarterly returns: commissioned services, milestones, risks, finance, aggregated tables and
funding decisions; read from CSV, Excel or YAML, validated cell by cell, loaded all-or-nothing."""
