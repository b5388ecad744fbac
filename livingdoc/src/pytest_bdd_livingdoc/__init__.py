"""Living documentation: the `.feature` files with the verdict of the last run on every sentence.

A pytest plugin (`livingdoc.plugin`, switched on with `--living-docs=DIR`) records every
pytest-bdd scenario, merges the run with the parsed feature tree and writes
`DIR/living-docs/index.html` (one self-contained page) and `DIR/cucumber.json`.
"""
