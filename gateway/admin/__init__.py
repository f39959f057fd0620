"""Tenant administration API."""
