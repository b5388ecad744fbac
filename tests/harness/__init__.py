"""The test harness, one pytest plugin per concern; the root conftest.py lists them.

- settings.py     the settings every test app and factory shares, and the password hasher
- database.py     the engine per run, one rolled-back transaction per test, sessions joining it
- application.py  the app started once per run, fresh clients per test, outbound HTTP mocked
- callers.py      who is calling: named users and the tokens and headers they send
- environment.py  the process around a test: time zone, the async backend, the garbage collector
- databases.py    throwaway PostgreSQL databases (plain functions, no fixtures)
- overrides.py    dependency overrides that are always restored (plain functions)
- types.py        the types of the fixtures above, for annotations in tests
"""
