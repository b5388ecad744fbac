"""Stand-ins for what the service talks to: a clock, and a real catalog server on loopback."""
