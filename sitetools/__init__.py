"""Helpers behind tasks.py, kept out of it so that the tasks stay thin."""
