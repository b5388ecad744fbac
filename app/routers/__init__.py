"""Thin route modules: parse the request, call a service function, shape the response."""
