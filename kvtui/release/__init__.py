"""Releasing a report: render it, sign it, write it and record it in the store.

Above both the store and the report: ``kvtui.release.flow`` reads the review through the
store's read model, renders with ``kvtui.report``, and hands the content it froze to the store's
workflows (``kvtui.store.factcheck``, ``kvtui.store.signoff``). The app and the command line
call it; nothing below them does.
"""
