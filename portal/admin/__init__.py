"""Administration pages over the gateway's admin API: people, machine clients, tenants and the audit log."""
