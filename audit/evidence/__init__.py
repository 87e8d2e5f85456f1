"""Evidence: validity rules (pure) and the content-addressed file store."""
