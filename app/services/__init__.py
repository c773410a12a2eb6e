"""Use cases of Essaim: views and CLI commands call these; they call models and matching."""
