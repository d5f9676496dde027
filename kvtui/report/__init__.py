"""The review report as a PDF (ReportLab Platypus), built from plain data, without the UI.

``kvtui.report.document.render_report`` turns a ``kvtui.domain.report_data.ReportData`` into
the bytes of a PDF, as a draft for the unit's fact check or as a final version. Nothing here
imports Textual, Typer or the store's SQL; ReportLab is imported only when a report is made,
never at the app's start (this package's ``__init__`` imports nothing).
"""
