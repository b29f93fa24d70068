"""Property: whatever the secret and its surroundings, no finding and no output holds any of it."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azrepos.secretscan import scan_text
from azrepos.secretscan.hooks import detect_secrets_main
from tests.hooks.conftest import ALNUM, B64URL, BASE32, b64url, leaked_pieces, openssh_key, pem_key

_legacy = st.text(alphabet=BASE32, min_size=52, max_size=52)


def _alnum(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=ALNUM, min_size=n, max_size=n)


_current = st.builds(lambda a, b, c, d, e: f"{a}JQQJ99{b}{c}{d}AAASAZDO{e}",
                     _alnum(52), _alnum(1), st.sampled_from("ABCDEFGHIJKL"), _alnum(12), _alnum(4))
_claims = st.dictionaries(st.text(max_size=12), st.text(max_size=40) | st.integers(), max_size=12)
_jwt = st.builds(
    lambda header, payload, signature: f"{b64url(header)}.{b64url(payload)}.{signature}",
    st.builds(lambda extra, alg: {**extra, "alg": alg, "typ": "JWT"}, _claims,
              st.sampled_from(["RS256", "ES256", "HS256", "none"])),
    _claims.map(lambda c: {**c, "aud": "499b84ac-1321-427f-aa17-267ca6975798", "pad": "p" * 80}),
    st.text(alphabet=B64URL, min_size=16, max_size=400),
)
# Anything a password can be in a URL's user-info, not just token shapes.
_password = st.text(alphabet=ALNUM + "-._~!$&()*+,;=%", min_size=10, max_size=60)

_TEMPLATES = {
    "legacy": ["PAT={}", 'token: "{}"', "  \"password\": \"{}\",", "az login -p {}", "curl -u :{} x",
               "https://{}@dev.azure.com/org/p/_git/r"],
    "current": ["{}", "AZURE_DEVOPS_EXT_PAT={}", "https://org:{}@org.visualstudio.com/p/_git/r"],
    "jwt": ["Authorization: Bearer {}", "{}", "https://{}@dev.azure.com/org"],
    "password": ["git clone https://org:{}@dev.azure.com/org/p/_git/r"],
}


@st.composite
def secret_in_text(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(sorted(_TEMPLATES)))
    secret = draw({"legacy": _legacy, "current": _current, "jwt": _jwt, "password": _password}[kind])
    template = draw(st.sampled_from(_TEMPLATES[kind]))
    before = draw(st.text(max_size=40))
    after = draw(st.text(max_size=40))
    return secret, before + template.format(secret) + after


def _hook_output(text: str) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "f.txt")
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = detect_secrets_main([str(path)])
    return code, out.getvalue() + err.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(secret_in_text())
def test_findings_and_hook_output_never_hold_the_secret(case: tuple[str, str]) -> None:
    secret, text = case
    findings = scan_text(text)
    rendered = repr(findings) + json.dumps([f.to_dict() for f in findings])
    assert not leaked_pieces(secret, rendered)
    code, output = _hook_output(text)
    assert code == (1 if findings else 0)
    assert not leaked_pieces(secret, output)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["RSA", "EC", "ENCRYPTED", "", "OPENSSH"]),
       st.text(st.characters(exclude_characters="\x00"), max_size=30))  # NUL: a binary file
def test_private_key_material_never_printed(label: str, before: str) -> None:
    key = openssh_key() if label == "OPENSSH" else pem_key(label)
    code, output = _hook_output(before + "\n" + key)
    assert code == 1
    for line in key.splitlines()[1:-1]:
        assert not leaked_pieces(line, output)
