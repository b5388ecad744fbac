"""schemathesis's pytest plugin, for this folder only.

Its entry point would load it into every pytest process, and importing it costs about half a
second of start-up (schemathesis, Hypothesis, requests...: docs/performance.md, Start-up),
although only test_openapi_fuzz.py needs it. pyproject's addopts turn the entry point off
(`-p no:schemathesis`) and this conftest takes its hooks instead: pytest reads a conftest's
hooks the way it reads a plugin module's, and applies the per-item ones (collecting
`@schema.parametrize()` tests, running them, reporting their failures) to this folder's tests
only. The module is imported when this folder is collected, never by `-m "not slow"` runs
(tests/integration/conftest.py skips the folder unread) nor by runs of other folders.

Every `pytest_*` function of the plugin module is taken, as pluggy would from the entry point,
so an upgrade that adds a hook is not missed. One difference remains: under xdist the
controller, which collects nothing, no longer loads the plugin; it only gathers schemathesis's
own report files (VCR, HAR, JUnit...) from the workers, and the suite writes none.

Hypothesis's own plugin stays loaded by its entry point, although it imports Hypothesis for its
end-of-run summary (~0.1 s a process): it must be imported before Hypothesis is and see the
session start. Off by default, a pytest run nested in this process (pytester's in-process runs,
livingdoc/tests/test_summary.py) loads it after schemathesis has used Hypothesis, and it fails
on HypothesisSideeffectWarning; loaded here, after the session started, Hypothesis would stay
in its initialisation phase and warn on every test.
"""

from schemathesis.pytest import plugin as _schemathesis_plugin

globals().update(
    {
        name: getattr(_schemathesis_plugin, name)
        for name in dir(_schemathesis_plugin)
        if name.startswith("pytest_")
    }
)
