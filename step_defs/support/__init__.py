"""What the step definitions share: scenario state, typed phrases, calls to the app, checks."""
