"""The SQLite store: tables, engine, migrations, backups, change log and queries."""
