"""Interchange formats written from the services' read models (pure)."""
