"""Local runner and container definitions for the whole platform."""
