"""Persistence: SQLModel tables, the engine, migrations and named queries."""
