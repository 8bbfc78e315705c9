"""Quarterly reports: one content model (sections, tables, charts, sentences) rendered to a
self-contained HTML file and a PDF. See :func:`scrutiny.report.build.build_report`."""
