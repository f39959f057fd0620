"""Expert profiles: owned by the nominating tenant, vetted by the roster office, ready per function."""
