"""pg8000's TLS settings: with `tls` the server's certificate is verified against the system trust store;
without it the connection is plain from its first byte (no unverified handshake is attempted)."""

from __future__ import annotations

import ssl

from foodsave.db.session import _pg8000_args


def test_with_tls_the_server_certificate_and_host_name_are_verified() -> None:
    context = _pg8000_args(5.0, tls=True)["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_without_tls_no_handshake_is_attempted() -> None:
    assert _pg8000_args(5.0, tls=False) == {"timeout": 5.0, "ssl_context": False}
