"""Review templates shipped with kvtui, as TOML data files."""
