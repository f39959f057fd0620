"""Search and matching: which experts fit a need, ranked, and why each one does or does not."""
