"""Reports: view models, PDF rendering, signing and verification."""
