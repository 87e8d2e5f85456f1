"""Vendor risk and compliance auditing for outsourced business processes."""

__version__ = "0.1.0"
