"""The address rule itself: public addresses only, however an internal one is written or wrapped."""

import ipaddress

import pytest

from soundclone.media.addresses import describe, is_allowed_address, is_public, literal_address

INTERNAL = [
    "127.0.0.1", "127.255.255.254", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.0.1",
    "169.254.169.254", "100.64.0.1", "100.127.255.255", "192.0.0.8", "192.0.2.1", "198.18.0.1", "198.51.100.1",
    "203.0.113.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "::", "::1", "fc00::1", "fdff:ffff::1", "fe80::1", "fec0::1", "ff02::1", "2001:db8::1", "100::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "::ffff:0.0.0.0",
    "64:ff9b::127.0.0.1", "64:ff9b::10.0.0.1", "64:ff9b::169.254.169.254", "64:ff9b:1::8.8.8.8",
    "2002:7f00:1::", "2002:a00:1::1", "2002:a9fe:a9fe::",
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    "::127.0.0.1", "::10.0.0.1",  # the deprecated IPv4-compatible form
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "100.128.0.1", "172.32.0.1", "2606:4700:4700::1111",
          "2a00:1450:4001::1", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"]


@pytest.mark.parametrize("text", INTERNAL)
def test_internal_addresses_are_not_public(text):
    address = ipaddress.ip_address(text)
    assert not is_public(address)
    assert not is_allowed_address(address, allow_private=False)


@pytest.mark.parametrize("text", PUBLIC)
def test_public_addresses_are_public(text):
    assert is_allowed_address(ipaddress.ip_address(text), allow_private=False)


@pytest.mark.parametrize("text, allowed", [("127.0.0.1", True), ("10.0.0.1", True), ("::1", True),
                                           ("0.0.0.0", False), ("::", False), ("224.0.0.1", False)])
def test_allow_private_still_refuses_addresses_that_name_no_host(text, allowed):
    assert is_allowed_address(ipaddress.ip_address(text), allow_private=True) is allowed


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"), ("0", "0.0.0.0"),
    ("10.1", "10.0.0.1"), ("[::1]", "::1"), ("::ffff:7f00:1", "::ffff:127.0.0.1"),
    ("example.com", None), ("1.2.3.4.5", None), ("256.0.0.1", None), ("0x", None), ("08.0.0.1", None),
])
def test_literal_addresses_in_every_spelling(host, expected):
    found = literal_address(host)
    assert (found and str(found)) == (expected and str(ipaddress.ip_address(expected)))


@pytest.mark.parametrize("text, words", [
    ("127.0.0.1", "loopback"), ("169.254.169.254", "link-local (cloud metadata)"), ("10.0.0.1", "private"),
    ("100.64.0.1", "carrier-grade NAT"), ("::ffff:10.0.0.1", "embeds 10.0.0.1, a private"), ("0.0.0.0", "unspecified"),
    ("224.0.0.1", "multicast"),
])
def test_descriptions_say_what_kind_of_address(text, words):
    assert words in describe(ipaddress.ip_address(text))
