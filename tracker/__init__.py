"""Event-sourced work tracker with accountability: the domain, the application and the CLI."""
