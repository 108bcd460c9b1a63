"""Flask + htmx web application."""
