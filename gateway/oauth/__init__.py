"""The OAuth 2.0 authorization server (Authlib): token endpoint, JWKS, server metadata."""
