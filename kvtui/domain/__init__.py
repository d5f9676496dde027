"""Pure rules of kvtui: no file I/O, no SQL, no Textual."""
