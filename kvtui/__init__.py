"""kvtui: the field kit for quality reviews of Swedish social services."""

__version__ = "0.1.0"
