"""Plain functions that hold the service's logic; routes only translate HTTP to these calls."""
