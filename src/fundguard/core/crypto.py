"""Envelope encryption of personal data, and blind indexes for exact search. Pure: no ORM.

Three kinds of key:

* **Master keys** (key-encryption keys): a ring of ``key id -> 32 bytes`` read from
  ``FUNDGUARD_DATA_KEYS`` — either JSON ``{"k2": "<base64>", "k1": "<base64>"}`` or
  ``"k2:<base64>,k1:<base64>"``. The first key listed is the active one (new wraps use it); the
  others stay to unwrap what they wrapped until ``fundguard keys rotate`` has re-wrapped it.
* **Data keys** (DEKs): 32 random bytes per data owner (a customer), stored only wrapped by a
  master key (:func:`dek_wrap`). Destroying the wrapped DEK makes everything it encrypted
  unreadable for good (crypto-shredding), while the rows themselves stay.
* **The blind-index key** (``FUNDGUARD_BLIND_INDEX_KEY``, base64 of 32 bytes): an HMAC-SHA256
  key kept apart from the master keys, so that an index can be searched without decrypting.
  While the indexes are rebuilt under a new one it is a ring too (``b2:<base64>,b0:<base64>``):
  new indexes use the first key, searches try every key, each index row names its key.

Ciphertexts are AES-256-GCM with a random 96-bit nonce. Each carries its format version and
the id of the key that sealed it (``fg1.<key id>.<base64url(nonce || ciphertext || tag)>``), and
the associated data binds it to where it lives (``customers_customer.phone#42``): a ciphertext
copied to another row or field, edited, or opened with the wrong key raises
:class:`DecryptionFailed`. Nothing here returns a plaintext it could not authenticate.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
VERSION = "fg1"
PLAINTEXT_MAX_BYTES = 16 * 1024 * 1024
"""The largest value sealed at once (documents included); anything larger is refused."""

_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_INDEX_STRIP = re.compile(r"[\s\-\u2010-\u2015]+")


class CryptoError(Exception):
    """Base of every failure here."""


class KeyConfigurationError(CryptoError):
    """A key ring or blind-index key is missing or malformed."""


class DecryptionFailed(CryptoError):
    """The ciphertext was altered, moved, or opened with the wrong key: never ignored."""


class UnknownKeyId(DecryptionFailed):
    """The ciphertext names a key this ring does not hold."""


@dataclass(frozen=True)
class KeyRing:
    """Master keys by id; ``active_id`` wraps new data keys."""

    keys: Mapping[str, bytes]
    active_id: str

    def __post_init__(self) -> None:
        if self.active_id not in self.keys:
            raise KeyConfigurationError("the active key id is not in the ring")
        for key_id, key in self.keys.items():
            if not _KEY_ID.fullmatch(key_id):
                raise KeyConfigurationError(f"key id {key_id!r}: use 1-32 of A-Z a-z 0-9 _ -")
            if len(key) != KEY_BYTES:
                raise KeyConfigurationError(f"key {key_id!r} is not {KEY_BYTES} bytes")

    @property
    def active_key(self) -> bytes:
        return self.keys[self.active_id]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise UnknownKeyId(f"no master key {key_id!r} in the ring") from None


@dataclass(frozen=True)
class WrappedKey:
    """A data key sealed by the master key ``key_id``; ``token`` is safe to store."""

    key_id: str
    token: str


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyConfigurationError(f"{what} is not valid base64") from None


def key_generate() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_encode(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def _ring_parse(text: str, name: str) -> KeyRing:
    """``id:base64,id:base64`` or a JSON object of them, newest (active) first."""
    text = text.strip()
    if not text:
        raise KeyConfigurationError(f"{name} is empty")
    pairs: list[tuple[str, str]]
    if text.startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError:
            raise KeyConfigurationError(f"{name} is not valid JSON") from None
        if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
            raise KeyConfigurationError(f"{name} JSON must map key ids to base64")
        pairs = list(loaded.items())
    else:
        pairs = []
        for item in text.split(","):
            key_id, sep, value = item.strip().partition(":")
            if not sep:
                raise KeyConfigurationError(f"{name} items are id:base64")
            pairs.append((key_id.strip(), value))
    if not pairs:
        raise KeyConfigurationError(f"{name} holds no key")
    keys: dict[str, bytes] = {}
    for key_id, value in pairs:
        if key_id in keys:
            raise KeyConfigurationError(f"key id {key_id!r} is listed twice")
        keys[key_id] = _b64decode(value, f"key {key_id!r}")
    return KeyRing(keys=keys, active_id=pairs[0][0])


@functools.lru_cache(maxsize=8)
def key_ring_parse(text: str) -> KeyRing:
    """Read ``FUNDGUARD_DATA_KEYS``: JSON object or ``id:base64,id:base64``; first is active."""
    return _ring_parse(text, "FUNDGUARD_DATA_KEYS")


BLIND_INDEX_DEFAULT_KEY_ID = "b0"
"""The id of a blind-index key given bare (one base64 value, as the embedded mode writes it)."""


@functools.lru_cache(maxsize=8)
def blind_index_ring_parse(text: str) -> KeyRing:
    """Read ``FUNDGUARD_BLIND_INDEX_KEY``: one bare base64 key (its id is ``b0``), or a ring
    like the master keys' (``b2:<base64>,b0:<base64>``, newest first) while indexes are rebuilt
    under a new key: new indexes use the first, searches try them all."""
    text = text.strip()
    if text and ":" not in text and not text.startswith("{"):
        key = _b64decode(text, "FUNDGUARD_BLIND_INDEX_KEY")
        if len(key) != KEY_BYTES:
            raise KeyConfigurationError(f"FUNDGUARD_BLIND_INDEX_KEY is not {KEY_BYTES} bytes")
        return KeyRing(keys={BLIND_INDEX_DEFAULT_KEY_ID: key}, active_id=BLIND_INDEX_DEFAULT_KEY_ID)
    return _ring_parse(text, "FUNDGUARD_BLIND_INDEX_KEY")


def blind_index_key_parse(text: str) -> bytes:
    """The active blind-index key of ``FUNDGUARD_BLIND_INDEX_KEY``."""
    return blind_index_ring_parse(text).active_key


def _aad(key_id: str, context: str) -> bytes:
    return f"{VERSION}|{key_id}|{context}".encode()


def seal(plaintext: bytes, *, key: bytes, key_id: str, context: str) -> str:
    """Encrypt ``plaintext``; the token names the version and key and is bound to ``context``."""
    if len(plaintext) > PLAINTEXT_MAX_BYTES:
        raise CryptoError("the value is too large to seal")
    if not _KEY_ID.fullmatch(key_id):
        raise KeyConfigurationError(f"key id {key_id!r}: use 1-32 of A-Z a-z 0-9 _ -")
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext, _aad(key_id, context))
    body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")
    return f"{VERSION}.{key_id}.{body}"


def token_key_id(token: str) -> str:
    """The id of the key a token was sealed with (its prefix); malformed tokens refused."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION or not _KEY_ID.fullmatch(parts[1]):
        raise DecryptionFailed("not a FundGuard ciphertext (bad version or key id prefix)")
    return parts[1]


def open_sealed(token: str, *, key: bytes, key_id: str, context: str) -> bytes:
    """Decrypt a :func:`seal` token made with ``key_id`` for ``context``, or raise."""
    if token_key_id(token) != key_id:
        raise DecryptionFailed("the ciphertext was sealed with another key")
    body = token.split(".")[2]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionFailed("the ciphertext is not valid base64") from None
    if base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") != body:
        # Non-canonical base64 (altered padding bits) decodes to the same bytes: refuse it too,
        # so that any change to a stored token is an error.
        raise DecryptionFailed("the ciphertext is not canonical base64")
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionFailed("the ciphertext is truncated")
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(key_id, context))
    except InvalidTag:
        raise DecryptionFailed("the ciphertext failed authentication") from None


def seal_text(plaintext: str, *, key: bytes, key_id: str, context: str) -> str:
    return seal(plaintext.encode("utf-8"), key=key, key_id=key_id, context=context)


def open_text(token: str, *, key: bytes, key_id: str, context: str) -> str:
    return open_sealed(token, key=key, key_id=key_id, context=context).decode("utf-8")


# --- data keys ---------------------------------------------------------------------------


def dek_wrap(dek: bytes, *, ring: KeyRing, context: str) -> WrappedKey:
    """Seal a data key under the ring's active master key."""
    if len(dek) != KEY_BYTES:
        raise CryptoError(f"a data key is {KEY_BYTES} bytes")
    token = seal(dek, key=ring.active_key, key_id=ring.active_id, context=f"dek|{context}")
    return WrappedKey(key_id=ring.active_id, token=token)


def dek_unwrap(token: str, *, ring: KeyRing, context: str) -> bytes:
    """Open a wrapped data key with whichever ring key sealed it."""
    key_id = token_key_id(token)
    dek = open_sealed(token, key=ring.key(key_id), key_id=key_id, context=f"dek|{context}")
    if len(dek) != KEY_BYTES:
        raise DecryptionFailed("the unwrapped data key has the wrong length")
    return dek


def dek_rewrap(token: str, *, ring: KeyRing, context: str) -> WrappedKey:
    """Re-seal a wrapped data key under the active master key (the DEK itself is unchanged)."""
    return dek_wrap(dek_unwrap(token, ring=ring, context=context), ring=ring, context=context)


# --- blind index -------------------------------------------------------------------------


def index_normalize(value: str) -> str:
    """Upper-case, without spaces or hyphens: "gb82 west-1234" -> "GB82WEST1234"."""
    return _INDEX_STRIP.sub("", value).upper()


def blind_index(value: str, *, key: bytes, purpose: str) -> str:
    """HMAC-SHA256 (hex) of the normalized value; ``purpose`` keeps kinds of value apart."""
    message = f"{purpose}\x00{index_normalize(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# --- configuration -----------------------------------------------------------------------


def configured_key_ring() -> KeyRing:
    """The ring from ``settings.FUNDGUARD_DATA_KEYS`` (parsed once per distinct value)."""
    from django.conf import settings

    return key_ring_parse(settings.FUNDGUARD_DATA_KEYS)


def configured_blind_index_ring() -> KeyRing:
    """The blind-index keys from ``settings.FUNDGUARD_BLIND_INDEX_KEY`` (active first)."""
    from django.conf import settings

    return blind_index_ring_parse(settings.FUNDGUARD_BLIND_INDEX_KEY)


def configured_blind_index_key() -> bytes:
    return configured_blind_index_ring().active_key
