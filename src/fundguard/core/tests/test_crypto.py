"""Envelope encryption and blind indexes (pure: no database)."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundguard.core import crypto

KEY_A = bytes(range(32))
KEY_B = bytes(range(32, 64))


def _ring(*ids: str) -> crypto.KeyRing:
    keys = {"k1": KEY_A, "k2": KEY_B}
    return crypto.KeyRing(keys={i: keys[i] for i in ids}, active_id=ids[0])


def _b64(key: bytes) -> str:
    return base64.b64encode(key).decode()


@given(st.text(max_size=200))
def test_sealed_text_opens_to_itself(text):
    token = crypto.seal_text(text, key=KEY_A, key_id="d1", context="t.f#1")

    assert crypto.open_text(token, key=KEY_A, key_id="d1", context="t.f#1") == text


def test_a_token_carries_version_and_key_id_and_no_plain_text():
    token = crypto.seal_text("110105199003071234", key=KEY_A, key_id="d1", context="t.f#1")

    assert token.startswith("fg1.d1.")
    assert "110105199003071234" not in token
    assert crypto.token_key_id(token) == "d1"


def test_the_same_value_seals_differently_each_time():
    first = crypto.seal_text("same", key=KEY_A, key_id="d1", context="c")
    second = crypto.seal_text("same", key=KEY_A, key_id="d1", context="c")

    assert first != second


@pytest.mark.parametrize("position", [8, 20, 30, -1, -5])
def test_a_tampered_ciphertext_fails_loudly(position):
    token = crypto.seal_text("secret value", key=KEY_A, key_id="d1", context="c")
    chars = list(token)
    chars[position] = "A" if chars[position] != "A" else "B"

    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_text("".join(chars), key=KEY_A, key_id="d1", context="c")


def test_a_ciphertext_moved_to_another_field_or_customer_fails():
    token = crypto.seal_text("secret", key=KEY_A, key_id="d1", context="customers.phone#1")

    for context in ("customers.email#1", "customers.phone#2"):
        with pytest.raises(crypto.DecryptionFailed):
            crypto.open_text(token, key=KEY_A, key_id="d1", context=context)


def test_the_wrong_key_or_a_relabelled_key_id_fails():
    token = crypto.seal_text("secret", key=KEY_A, key_id="d1", context="c")

    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_text(token, key=KEY_B, key_id="d1", context="c")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_text(
            token.replace("fg1.d1.", "fg1.d2.", 1), key=KEY_A, key_id="d2", context="c"
        )
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_text(token.replace("fg1.", "fg2.", 1), key=KEY_A, key_id="d1", context="c")


@pytest.mark.parametrize("token", ["", "fg1", "fg1.d1", "fg1.d1.!!!", "fg1.d1.AAAA", "x.y.z"])
def test_malformed_tokens_fail(token):
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_text(token, key=KEY_A, key_id="d1", context="c")


def test_data_keys_wrap_under_the_active_key_and_rewrap_under_a_newer_one():
    dek = crypto.key_generate()
    wrapped = crypto.dek_wrap(dek, ring=_ring("k1"), context="customer#1")
    assert wrapped.key_id == "k1"

    newer = _ring("k2", "k1")
    rewrapped = crypto.dek_rewrap(wrapped.token, ring=newer, context="customer#1")

    assert rewrapped.key_id == "k2"
    assert crypto.dek_unwrap(rewrapped.token, ring=_ring("k2"), context="customer#1") == dek
    with pytest.raises(crypto.UnknownKeyId):
        crypto.dek_unwrap(wrapped.token, ring=_ring("k2"), context="customer#1")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.dek_unwrap(rewrapped.token, ring=newer, context="customer#2")


def test_key_rings_parse_from_pairs_or_json_and_the_first_is_active():
    pairs = crypto.key_ring_parse(f"k2:{_b64(KEY_B)}, k1:{_b64(KEY_A)}")
    as_json = crypto.key_ring_parse(json.dumps({"k2": _b64(KEY_B), "k1": _b64(KEY_A)}))

    for ring in (pairs, as_json):
        assert ring.active_id == "k2"
        assert ring.key("k1") == KEY_A


@pytest.mark.parametrize(
    "text",
    [
        "",
        "k1",
        "k1:not-base64!",
        f"k1:{_b64(b'short')}",
        f"k1:{_b64(KEY_A)},k1:{_b64(KEY_B)}",
        f"bad id:{_b64(KEY_A)}",
        "[1, 2]",
        "{not json",
    ],
)
def test_malformed_key_rings_are_refused(text):
    with pytest.raises(crypto.KeyConfigurationError):
        crypto.key_ring_parse(text)


def test_blind_index_normalizes_and_separates_purposes():
    key = KEY_A

    a = crypto.blind_index("gb29 nwbk-6016 1331 9268 19", key=key, purpose="account_number")
    b = crypto.blind_index("GB29NWBK60161331926819", key=key, purpose="account_number")

    assert a == b
    assert len(a) == 64
    assert a != crypto.blind_index("GB29NWBK60161331926819", key=key, purpose="id_number")
    assert a != crypto.blind_index("GB29NWBK60161331926819", key=KEY_B, purpose="account_number")


def test_blind_index_key_must_be_32_bytes():
    assert crypto.blind_index_key_parse(_b64(KEY_A)) == KEY_A
    with pytest.raises(crypto.KeyConfigurationError):
        crypto.blind_index_key_parse(_b64(b"short"))


def test_a_bare_blind_index_key_is_a_one_key_ring_b0_and_a_ring_lists_newest_first():
    bare = crypto.blind_index_ring_parse(_b64(KEY_A))
    assert (bare.active_id, dict(bare.keys)) == ("b0", {"b0": KEY_A})
    ring = crypto.blind_index_ring_parse(f"b1:{_b64(KEY_B)},b0:{_b64(KEY_A)}")
    assert ring.active_id == "b1"
    assert crypto.blind_index_key_parse(f"b1:{_b64(KEY_B)},b0:{_b64(KEY_A)}") == KEY_B
    with pytest.raises(crypto.KeyConfigurationError, match="not valid base64"):
        crypto.blind_index_ring_parse("b1:not base64!")
    with pytest.raises(crypto.KeyConfigurationError, match="FUNDGUARD_BLIND_INDEX_KEY is empty"):
        crypto.blind_index_ring_parse(" ")
