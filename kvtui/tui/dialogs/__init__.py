"""Small modal dialogs that return a typed result to a callback."""
