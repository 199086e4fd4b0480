# -*- coding: utf-8 -*-
# Copyright (c) hwcloud.dms contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TLS checks of the shared options: the ``verify`` requests gets, and the warning for credentials sent in clear text."""

from __future__ import annotations

import ipaddress
import os
from typing import Any, Mapping, Optional, Union

from ._errors import ConfigurationError


def tls_verify(params: Mapping[str, Any], base_url: str, warnings: list[str]) -> Union[bool, str]:
    ca_path = params.get("ca_path")
    if params.get("validate_certs") is False:
        if base_url.startswith("https://"):
            warnings.append(
                "validate_certs is false: the DMS API's TLS certificate is not checked, so the connection"
                " can be intercepted. Prefer ca_path with your CA bundle."
            )
        return False
    if ca_path:
        if not os.path.isfile(ca_path) or not os.access(ca_path, os.R_OK):
            raise ConfigurationError(
                "Option 'ca_path' must name a readable PEM file of CA certificates; %r is not one." % ca_path
            )
        return ca_path
    return True


def _cleartext_off_loopback(url: str) -> bool:
    """An http:// URL whose host is not this machine (localhost, 127.0.0.0/8, ::1)."""
    if not url.lower().startswith("http://"):
        return False
    host = (
        url[len("http://") :].split("/", 1)[0].rsplit(":", 1)[0]
        if "]" not in url
        else url.split("[", 1)[1].split("]", 1)[0]
    )
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def cleartext_warning(*urls: Optional[str]) -> Optional[str]:
    """The warning for URLs that send the signature, a token or a password over plain http:// off this machine."""
    cleartext = sorted({url for url in urls if url and _cleartext_off_loopback(url)})
    if not cleartext:
        return None
    return (
        "%s %s http://, not https://: the signature, the token or the password cross the network in clear text"
        " and can be read or replayed on the way. Use https:// for anything but a local test endpoint."
        % (" and ".join(cleartext), "use" if len(cleartext) > 1 else "uses")
    )
