"""The terminal front end (prompt_toolkit): it reads, and renders what the session emits."""
