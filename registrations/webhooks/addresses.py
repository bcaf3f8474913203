"""Where a webhook may be sent: not to the server's own network (loopback, private, link-local
such as the cloud metadata address 169.254.169.254, multicast, reserved), checked when an
endpoint is saved and again at each delivery, on the addresses the name resolves to then (DNS
may change); the delivery connects to the address checked. settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
allows them (tests, a receiver on the same machine)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from confman.core.exceptions import InvalidInput


def _refused(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


def _problem(message: str) -> InvalidInput:
    return InvalidInput.for_fields({"url": [message]})


def url_parts(url: str) -> tuple[str, str, int]:
    """The scheme, host and port of an endpoint's address; https only, unless private addresses
    are allowed (a local receiver speaks plain HTTP)."""
    parts = urlsplit(url)
    allowed = ("https", "http") if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES else ("https",)
    if parts.scheme not in allowed:
        raise _problem(_("Give an address that starts with https://."))
    if not parts.hostname or parts.username or parts.password:
        raise _problem(_("Give a web address with a host name and no user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise _problem(_("The port in this address is not a number from 1 to 65535.")) from None
    return parts.scheme, parts.hostname, port


def addresses_resolve(host: str, port: int) -> list[str]:
    """The IP addresses `host` resolves to, every one of them public (else an InvalidInput on
    "url"), unless private addresses are allowed."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _problem(
            _("The host name %(host)s cannot be found; check the address.") % {"host": host}
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        return addresses
    for address in addresses:
        if _refused(ipaddress.ip_address(address.split("%", 1)[0])):
            raise _problem(
                _(
                    "%(host)s leads to %(address)s, an address of a private or local network; "
                    "webhooks go only to addresses reachable on the internet."
                )
                % {"host": host, "address": address}
            )
    return addresses


def url_check(url: str) -> str:
    """Refuse an endpoint's address that is not https or leads to a private network; returns
    the first address it resolves to."""
    _scheme, host, port = url_parts(url)
    return addresses_resolve(host, port)[0]
