"""The checklist and policy language: schemas, safe loading, model, conditions and integrity."""
