"""A FastAPI service for users, items and an external catalog, specified by its BDD suite."""
