"""Fast tests of the Entra stand-in's pure parts: JWS, scopes, settings, records."""

from __future__ import annotations

import json
import string
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from azrepos_sandbox.entra import jws
from azrepos_sandbox.entra.certs import new_rsa_key
from azrepos_sandbox.entra.device_flow import _user_code
from azrepos_sandbox.entra.errors import EntraError
from azrepos_sandbox.entra.records import (
    APPROVED,
    PENDING,
    DeviceCode,
    EntraRecords,
    token_hash,
)
from azrepos_sandbox.entra.scopes import parse_app_scope, parse_user_scope
from azrepos_sandbox.entra.settings import EntraSettings
from azrepos_sandbox.entra.tokens import client_info, pairwise_subject
from azrepos_sandbox.store import Store

RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798"
TENANT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def key():
    return new_rsa_key()


def _pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def test_rs256_round_trip_and_interop_with_pyjwt(key):
    token = jws.sign_rs256({"aud": "x", "n": 1}, key, {"kid": "k"})
    parsed = jws.parse(token)
    assert parsed.header == {"typ": "JWT", "alg": "RS256", "kid": "k"}
    assert jws.verify(parsed, key.public_key())
    assert jwt.decode(token, key.public_key(), algorithms=["RS256"], audience="x")["n"] == 1
    for algorithm in ("RS256", "PS256"):
        theirs = jwt.encode({"a": algorithm}, _pem(key), algorithm=algorithm)
        assert jws.verify(jws.parse(theirs), key.public_key()), algorithm


def test_verify_refuses_other_keys_tampering_and_weak_algorithms(key):
    token = jws.sign_rs256({"a": 1}, key)
    assert not jws.verify(jws.parse(token), new_rsa_key().public_key())
    header, _, signature = token.split(".")
    other = jws.b64url(json.dumps({"a": 2}).encode())
    assert not jws.verify(jws.parse(f"{header}.{other}.{signature}"), key.public_key())
    hmac_token = jwt.encode({"a": 1}, "s" * 32, algorithm="HS256")
    assert not jws.verify(jws.parse(hmac_token), key.public_key())


@pytest.mark.parametrize("bad", ["a.b", "a..c", "e30.e30.a+b", "e30.e30.a/b", "e30.e30.ab==",
                                 "W10.e30.AA", "bm90anNvbg.e30.AA"])
def test_parse_refuses_malformed_tokens(bad):
    with pytest.raises(jws.JwsError):
        jws.parse(bad)


def test_jwt_detection():
    assert jws.looks_like_jwt("eyJhbGciOiJSUzI1NiJ9.e30.sig")
    assert not jws.looks_like_jwt("a" * 52)
    assert not jws.looks_like_jwt("eyJhbGciOiJSUzI1NiJ9")


def test_user_scopes():
    scope = parse_user_scope(f"{RESOURCE}/.default offline_access openid profile", TENANT)
    assert scope.resource == RESOURCE
    assert scope.oidc == {"offline_access", "openid", "profile"}
    assert scope.response_scope == f"{RESOURCE}/user_impersonation {RESOURCE}/.default"
    assert parse_user_scope(f"{RESOURCE.upper()}/user_impersonation", TENANT).resource == RESOURCE
    for text, code in [("", 900144), ("openid profile", 70011),
                       (f"{RESOURCE}/.default https://graph.microsoft.com/.default", 70011),
                       (f"{RESOURCE}/vso.code", 70011),
                       ("https://graph.microsoft.com/.default", 500011)]:
        with pytest.raises(EntraError) as caught:
            parse_user_scope(text, TENANT)
        assert caught.value.code == code, text


def test_app_scopes_need_default():
    assert parse_app_scope(f"{RESOURCE}/.default", TENANT) == RESOURCE
    with pytest.raises(EntraError) as caught:
        parse_app_scope(f"{RESOURCE}/user_impersonation", TENANT)
    assert caught.value.error == "invalid_scope" and caught.value.code == 1002012


def test_settings_validate_before_changing():
    settings = EntraSettings()
    settings.update({"access_token_lifetime": 5})
    assert settings.as_json()["access_token_lifetime"] == 5
    for bad in ({"nope": 1}, {"access_token_lifetime": 0}, {"access_token_lifetime": True},
                {"access_token_lifetime": "5"}, {"device_code_lifetime": 10**12}):
        with pytest.raises(ValueError):
            settings.update({"refresh_token_lifetime": 7, **bad})
        assert settings.refresh_token_lifetime == 90 * 86400


def test_client_info_and_subjects():
    decoded = json.loads(jws.b64url_decode(client_info("oid-1", TENANT)))
    assert decoded == {"uid": "oid-1", "utid": TENANT}
    assert pairwise_subject("oid-1", "app-a") == pairwise_subject("oid-1", "app-a")
    assert pairwise_subject("oid-1", "app-a") != pairwise_subject("oid-1", "app-b")


def test_user_codes_are_nine_unambiguous_characters():
    codes = {_user_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 9 and set(code) <= set(string.ascii_uppercase + string.digits)
        assert not set(code) & set("01IO")


def test_device_code_is_redeemed_once(tmp_path):
    store = Store(tmp_path / "db")
    try:
        records = EntraRecords(store)
        user = store.add_user("dev1", "Dev One", "dev1@fabrikam.example", TENANT)
        now = int(time.time())
        code = DeviceCode(token_hash("device"), "ABCDEFGHJ", "client", "scope", now + 60,
                          PENDING, None)
        records.add_device_code(code, now)
        assert records.decide_device_code("abcdefghj", APPROVED, user.id, now)
        assert not records.decide_device_code("ABCDEFGHJ", APPROVED, user.id, now)
        assert records.redeem_device_code(code.code_hash)
        assert not records.redeem_device_code(code.code_hash)
        assert records.pending_device_codes(now) == []
    finally:
        store.close()
