"""The web edge: the vendor portal (and later the officer dashboard). Routes parse, call one
service and render; no rule lives in a route or a template."""
