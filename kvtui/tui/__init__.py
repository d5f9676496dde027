"""The Textual user interface: the app, its screens, widgets and dialogs.

Screens get plain data from ``kvtui.store`` and leave every rule to ``kvtui.domain``.
"""
