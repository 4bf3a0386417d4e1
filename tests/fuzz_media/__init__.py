"""Hostile media for tests: headers forged byte by byte (`forge`) and real speech in every container (`seeds`)."""
