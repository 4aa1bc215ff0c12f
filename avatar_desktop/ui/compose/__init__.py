"""The compose side: the form, its media check, drafts, the request preview and Submit."""
