"""Step definitions binding features/*.feature to the app (pytest-bdd)."""
