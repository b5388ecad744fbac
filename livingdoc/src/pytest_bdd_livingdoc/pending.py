"""Cucumber's "pending": a step, or a scenario, whose behaviour is not written yet."""


class Pending(Exception):
    """Raised by a step definition (or by the work-in-progress guard) that is not done yet.

    The step and the scenario are reported as pending, not failed; the steps after it are
    skipped. Raising it from a test that is not a pytest-bdd scenario fails that test.
    """
