"""A test token issuer: RSA keys the services trust, published on a real local JWKS endpoint."""

from __future__ import annotations

import http.server
import json
import threading
import time
import uuid
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

TEST_ISSUER = "https://issuer.test.rso"
TEST_AUDIENCE = "rso-platform"


class TestTokenIssuer:
    """Mints RS256 access tokens like the gateway's, and serves its public keys over HTTP."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, issuer: str = TEST_ISSUER, audience: str = TEST_AUDIENCE):
        self.issuer = issuer
        self.audience = audience
        self.keys: list[RSAKey] = []
        self.rotate()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def jwks_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/.well-known/jwks.json"

    @property
    def signing_key(self) -> RSAKey:
        return self.keys[-1]

    def rotate(self) -> RSAKey:
        """Add a new signing key; earlier keys stay published, as during a real rotation."""
        key = RSAKey.generate_key(2048, parameters={"kid": uuid.uuid4().hex, "use": "sig", "alg": "RS256"})
        self.keys.append(key)
        return key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.as_dict(private=False) for key in self.keys]}

    def mint(self, *, tenant: str = "THA", roles: tuple[str, ...] | list[str] = (), scope: str = "",
             sub: str | None = None, expires_in: int = 900, key: RSAKey | None = None,
             header: dict[str, Any] | None = None, **claims: Any) -> str:
        now = int(time.time())
        key = key or self.signing_key
        payload = {
            "iss": self.issuer, "aud": self.audience, "sub": sub or f"user-{uuid.uuid4().hex[:8]}",
            "iat": now, "nbf": now, "exp": now + expires_in, "jti": uuid.uuid4().hex,
            "tenant": tenant, "roles": list(roles), "scope": scope, **claims,
        }
        return jwt.encode({"alg": "RS256", "typ": "at+jwt", "kid": key.kid, **(header or {})}, payload, key)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler_class(self):
        issuer = self

        class JWKSHandler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps(issuer.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return JWKSHandler
