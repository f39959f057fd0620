"""Test support other packages reuse: `chassis.testing.plugin` is loaded by pytest for the whole repo."""
