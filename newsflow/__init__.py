"""newsflow: the application (CLI, composition root, runners, stack, store, API)."""
