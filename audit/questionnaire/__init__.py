"""Questionnaires: the file a vendor fills in, and reading it back."""
