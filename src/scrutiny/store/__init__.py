"""The warehouse: the only code that imports duckdb or writes to it."""
