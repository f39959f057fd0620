"""What training knows about people and tenants from other services' events (local read models)."""
