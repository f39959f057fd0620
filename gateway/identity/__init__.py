"""Tenants, users, OAuth clients, signing keys and the audit log (the gateway's own database)."""
