"""Training figures per course (for its provider) and per tenant (for its people)."""
