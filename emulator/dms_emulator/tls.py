"""TLS material for --tls: a throwaway CA and a server certificate for 127.0.0.1 and localhost."""

from __future__ import annotations

import os
import ssl
from typing import Tuple


def make_server_context(cert_dir: str) -> Tuple[ssl.SSLContext, str]:
    """Create the CA and leaf with trustme, write the CA PEM for clients; returns (context, ca_path)."""
    import trustme  # imported here so that plain-HTTP use needs nothing outside the stdlib

    ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1", "localhost", "::1")
    os.makedirs(cert_dir, exist_ok=True)
    ca_path = os.path.join(cert_dir, "ca.pem")
    ca.cert_pem.write_to_path(ca_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)
    return context, ca_path
