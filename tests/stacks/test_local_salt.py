"""The local stack's committed encryptionsalt matches the documented passphrase."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

STACK_FILE = Path(__file__).resolve().parents[2] / "stacks" / "Pulumi.local.yaml"
PASSPHRASE = "local-emulator-only"


def salt_line() -> str:
    lines = [line for line in STACK_FILE.read_text().splitlines()
             if line.startswith("encryptionsalt:")]
    assert len(lines) == 1
    return lines[0].split(":", 1)[1].strip()


def test_salt_decrypts_pulumi_with_the_local_passphrase() -> None:
    """Pulumi checks a passphrase by decrypting "pulumi" from the salt line; ours passes."""
    version, salt, inner_version, nonce, sealed = salt_line().split(":")
    assert (version, inner_version) == ("v1", "v1")
    # Pulumi's passphrase key: PBKDF2-SHA256, 1,000,000 iterations, 32 bytes; AES-256-GCM.
    key = hashlib.pbkdf2_hmac("sha256", PASSPHRASE.encode(), base64.b64decode(salt), 1_000_000, 32)
    plain = AESGCM(key).decrypt(base64.b64decode(nonce), base64.b64decode(sealed), None)
    assert plain == b"pulumi"
