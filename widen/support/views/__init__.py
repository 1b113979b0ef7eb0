"""Student support's staff pages."""
