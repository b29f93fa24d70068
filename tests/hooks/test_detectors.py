"""Each detector: true positives with fakes made at test time, and the false-positive traps."""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import string
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from azrepos.secretscan import scan_text
from azrepos.secretscan.azure_secrets import ACCOUNT_KEY, CLIENT_SECRET, SQL_PASSWORD
from azrepos.secretscan.findings import CURRENT_PAT, JWT, LEGACY_PAT
from azrepos.secretscan.private_keys import PPK
from azrepos.secretscan.tokens import token_kind
from tests.hooks.conftest import b64url, current_pat, jwt, legacy_pat, openssh_key, pem_key

# ../shared beside the checkout, as CI lays it out (there it must be present).
FACTS = Path(__file__).resolve().parents[3] / "shared" / "reference" / "azure-devops-facts.md"


def kinds(text: str) -> list[str]:
    return [f.kind for f in scan_text(text)]


# --- legacy 52-char PAT: only where it is assigned or passed as a password --------------------

@pytest.mark.parametrize("template", [
    "PAT={}",
    "export AZURE_DEVOPS_EXT_PAT={}",
    "$env:AZURE_DEVOPS_EXT_PAT = '{}'",
    "token: {}",
    '  "password": "{}",',
    "personal_access_token = \"{}\"",
    "az_pat := `{}`",
    "secret => '{}'",
    "git-credential-store -p {}",
    "curl -u :{} https://dev.azure.com/contoso/_apis/projects",
    "curl -u me:{} https://dev.azure.com/contoso/_apis/projects",
    "<Password>{}</Password>",
])
def test_legacy_pat_in_assignment_context(template: str) -> None:
    pat = legacy_pat()
    text = template.format(pat)
    [finding] = scan_text(text)
    assert finding.kind == LEGACY_PAT
    assert finding.column == text.index(pat) + 1 and finding.line == 1


@pytest.mark.parametrize("template", [
    "{}",  # bare, no context: could be any base32 id
    "commit {} fixes it",
    "cache_dir = /tmp/{}/x",  # no secret-sounding name
    "PAT={}x",  # 53 characters: not a PAT
])
def test_legacy_pat_needs_context_and_exact_length(template: str) -> None:
    assert kinds(template.format(legacy_pat())) == []


@pytest.mark.parametrize("word", [
    # 52 characters of [a-z2-7], but words and names, not random base32.
    "passwordresetconfirmationemailtemplatesubjectlines2x",
    "serviceconnectionendpointauthorizationschemenamev2xy",
    "getpersonalaccesstokenforazuredevopsorganizationv2xy",
    "defaultcredentialproviderchainwithmanagedidentityv3y",
    "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst",  # a typed-in fake
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "abababababababababababababababababababababababababab",
])
def test_base32_looking_words_are_not_pats(word: str) -> None:
    assert len(word) == 52
    assert kinds(f"token = {word}") == []


def test_hashes_and_guids_are_not_pats() -> None:
    text = "\n".join([
        f"token_id = {uuid.uuid4()}",
        f"password_sha1: {hashlib.sha1(b'x').hexdigest()}",
        f"secret_sha256 = \"{hashlib.sha256(b'x').hexdigest()}\"",
        f"auth_digest = {hashlib.sha512(b'x').hexdigest()}",
        "commit da39a3ee5e6b4b0d3255bfef95601890afd80709",
        "resource 499b84ac-1321-427f-aa17-267ca6975798",
    ])
    assert kinds(text) == []


# --- current 84-char PAT -----------------------------------------------------------------------

def test_current_pat_anywhere() -> None:
    pat = current_pat()
    assert len(pat) == 84 and pat[76:80] == "AZDO"  # positions 77-80, 1-based
    text = f"see {pat} here\nAuthorization: Basic x\n{pat}"
    findings = scan_text(text)
    assert [(f.line, f.column, f.kind) for f in findings] == [(1, 5, CURRENT_PAT), (3, 1, CURRENT_PAT)]


@pytest.mark.parametrize("change", [
    lambda p: p[:59] + "M" + p[60:],  # the letter after JQQJ99+1 must be A-L
    lambda p: p[:52] + "JQQJ98" + p[58:],
    lambda p: p[:76] + "AZD0" + p[80:],
    lambda p: p[1:],  # 83 characters
    lambda p: "x" + p,  # 85 characters
])
def test_current_pat_layout_is_exact(change: object) -> None:
    pat = change(current_pat())  # type: ignore[operator]
    assert kinds(f"PAT={pat}") == []


# --- JWT / Entra access tokens -----------------------------------------------------------------

def test_jwt_detected() -> None:
    token = jwt()
    text = f"Authorization: Bearer {token}"
    [finding] = scan_text(text)
    assert finding.kind == JWT and finding.column == text.index(token) + 1


def test_jwt_traps() -> None:
    signature = "s" * 43
    not_json = "eyJub3RqcygsIGF0IGFsbH0." + b64url({"sub": "x" * 80}) + "." + signature
    no_alg = b64url({"kid": "abc", "x": "y"}) + "." + b64url({"sub": "x" * 80}) + "." + signature
    short = b64url({"alg": "HS256"}) + "." + b64url({"a": 1}) + "." + "sig"
    unsigned = b64url({"alg": "none", "typ": "JWT"}) + "." + b64url({"sub": "x" * 120}) + "."
    prose = "Entra access tokens are JWTs (`eyJ...`), typically over 1,000 characters."
    for text in (not_json, no_alg, short, unsigned, prose, "eyJhbGciOi" * 30):
        assert kinds(text) == [], text


# --- private keys ------------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "kind"), [
    ("RSA", "private key (PEM RSA)"),
    ("EC", "private key (PEM EC)"),
    ("DSA", "private key (PEM DSA)"),
    ("ENCRYPTED", "private key (PEM encrypted PKCS#8)"),
    ("", "private key (PEM PKCS#8)"),
])
def test_pem_keys(label: str, kind: str) -> None:
    assert kinds("config:\n" + pem_key(label)) == [kind]


def test_openssh_key_in_file_yaml_and_json_string() -> None:
    key = openssh_key()
    assert [(f.line, f.kind) for f in scan_text(key)] == [(1, "private key (OpenSSH)")]
    block = "ssh_key: |\n" + "".join(f"  {line}\n" for line in key.splitlines())
    assert kinds(block) == ["private key (OpenSSH)"]
    escaped = '{"key": "' + key.replace("\n", "\\n") + '"}'
    assert kinds(escaped) == ["private key (OpenSSH)"]
    concatenated = "".join(f'    "{line}\\n"\n' for line in key.splitlines())
    assert kinds(concatenated) == ["private key (OpenSSH)"]


def test_key_markers_without_key_material_are_not_keys() -> None:
    text = "\n".join([
        'assert key.read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")',
        "A key file starts with `-----BEGIN RSA PRIVATE KEY-----`.",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "...",
        "-----END OPENSSH PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----",  # last line: nothing follows
    ])
    assert kinds(text) == []


# --- credentials in Azure DevOps URLs ----------------------------------------------------------

@pytest.mark.parametrize(("url", "kind"), [
    ("https://me:{legacy}@dev.azure.com/contoso/p/_git/r", "Azure DevOps PAT (legacy 52-char) in URL"),
    ("https://{legacy}@dev.azure.com/contoso/p/_git/r", "Azure DevOps PAT (legacy 52-char) in URL"),
    ("https://{legacy}@contoso.visualstudio.com/p/_git/r", "Azure DevOps PAT (legacy 52-char) in URL"),
    ("https://:{legacy}@dev.azure.com/contoso", "Azure DevOps PAT (legacy 52-char) in URL"),
    ("https://contoso:{password}@dev.azure.com/contoso/p/_git/r", "password in URL"),
    ("http://user:{encoded}@contoso.visualstudio.com/DefaultCollection/p/_git/r", "password in URL"),
    ("https://{current}@dev.azure.com/contoso/p/_git/r", CURRENT_PAT),  # the PAT's own kind wins
])
def test_credential_urls(url: str, kind: str) -> None:
    # Filled in at run time so that this file holds no credential URL for our own hook to find.
    text = "git clone " + url.format(legacy=legacy_pat(), current=current_pat(), password="hunter2" * 2,
                                     encoded="s3cr%40t")
    [finding] = scan_text(text)
    assert finding.kind == kind and finding.column > len("git clone https://") - 1


@pytest.mark.parametrize("url", [
    "https://contoso@dev.azure.com/contoso/project/_git/repo",  # the org name as user
    "https://dev.azure.com/contoso/project/_git/repo",
    "https://user:$(System.AccessToken)@dev.azure.com/contoso/p/_git/r",  # pipeline variable
    "https://user:${AZURE_DEVOPS_EXT_PAT}@dev.azure.com/contoso/p/_git/r",
    "https://user:%PAT%@dev.azure.com/contoso/p/_git/r",
    "https://user:YOUR_PAT@dev.azure.com/contoso/p/_git/r",
    "https://user:@dev.azure.com/contoso/p/_git/r",
    "https://user:hunter2hunter2@github.com/o/r",  # not an Azure DevOps host
    "git@ssh.dev.azure.com:v3/contoso/project/repo",
])
def test_urls_without_credentials(url: str) -> None:
    assert kinds(f"url = {url}") == []


# --- allowlist ---------------------------------------------------------------------------------

@pytest.mark.parametrize("comment", ["# azrepos: allow-secret", "// pragma: allowlist secret",
                                     "<!-- AZREPOS: ALLOW-SECRET -->"])
def test_allowlist_comment_on_the_same_line(comment: str) -> None:
    pat = current_pat()
    text = f"PAT = '{pat}'  {comment}\nPAT = '{pat}'\n"
    assert [(f.line, f.kind) for f in scan_text(text)] == [(2, CURRENT_PAT)]


# --- the facts file's own format descriptions ---------------------------------------------------

def test_format_descriptions_are_not_secrets() -> None:
    text = """## Secret formats (for detection)

- Legacy Azure DevOps PAT: 52 characters of `[a-z2-7]`.
- Current PAT: 84 characters, `AZDO` at positions 77-80 (52 chars, then `JQQJ99`, 1 char, one of `A-L`,
  16 chars ending `AAAS`, `AZDO`, 4 chars).
- Entra access tokens are JWTs (`eyJ...`), typically over 1,000 characters.
| Git over HTTPS | `https://dev.azure.com/{org}/{project}/_git/{repo}` (an optional `{user}@` before |
"""
    assert kinds(text) == []


@pytest.mark.skipif(not FACTS.is_file() and not os.environ.get("CI"),
                    reason="the shared facts file is not beside this checkout")
def test_the_facts_file_itself_is_clean() -> None:
    assert kinds(FACTS.read_text()) == []


# --- base64-encoded tokens (seed 001's http.extraheader pattern, curl -H, .npmrc) ----------------

def _basic(user: str, secret: str) -> str:
    return base64.b64encode(f"{user}:{secret}".encode()).decode()


@pytest.mark.parametrize("make", [current_pat, legacy_pat])
@pytest.mark.parametrize("shape", [
    "git -c http.extraheader=\"AUTHORIZATION: Basic {b}\" clone https://dev.azure.com/o/p/_git/r",
    "[http \"https://dev.azure.com\"]\n\textraheader = AUTHORIZATION: basic {b}",
    "curl -H 'Authorization: Basic {b}' https://dev.azure.com/o/_apis/projects",
    "$headers = @{{ Authorization = \"Basic {b}\" }}",
])
def test_basic_header_with_pat_is_found(make: Callable[[], str], shape: str) -> None:
    secret = make()
    text = shape.format(b=_basic("", secret))
    found = scan_text(text)
    assert [f.kind for f in found] == [token_kind(secret) + " (base64)"]
    assert all(secret not in repr(f) for f in found)


def test_npmrc_password_is_found() -> None:
    secret = current_pat()
    text = ("//pkgs.dev.azure.com/o/_packaging/f/npm/registry/:username=o\n"
            f"//pkgs.dev.azure.com/o/_packaging/f/npm/registry/:_password={base64.b64encode(secret.encode()).decode()}\n")
    assert [(f.line, f.kind) for f in scan_text(text)] == [(2, CURRENT_PAT + " (base64)")]


@pytest.mark.parametrize("text", [
    "Authorization: Basic " + base64.b64encode(b":yourPAT-goes-here-and-is-not-a-real-one").decode(),
    "Authorization: Basic " + base64.b64encode(b"user:correct horse battery staple words").decode(),
    "_password=" + base64.b64encode(b"${NPM_TOKEN} is substituted at install time").decode(),
    "Authorization: Basic $(System.AccessToken)",
    "Authorization: Basic " + "A" * 60,
])
def test_basic_header_without_token_is_clean(text: str) -> None:
    assert scan_text(text) == []


# --- Entra client secrets and connection strings -----------------------------------------------

def _client_secret() -> str:
    alphabet = string.ascii_letters + string.digits + "_~.-"
    return (_draw(alphabet, 3) + secrets.choice(string.digits) + "Q~" + _draw(alphabet, 34))


def _draw(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_client_secret_is_found() -> None:
    secret = _client_secret()
    assert [f.kind for f in scan_text(f'"clientSecret": "{secret}",')] == [CLIENT_SECRET]


@pytest.mark.parametrize("make", [
    lambda: "AccountKey=" + base64.b64encode(secrets.token_bytes(64)).decode(),
    lambda: "SharedAccessKeyName=send;SharedAccessKey=" + base64.b64encode(secrets.token_bytes(32)).decode(),
])
def test_connection_string_key_is_found(make: Callable[[], str]) -> None:
    text = "DefaultEndpointsProtocol=https;AccountName=acct;" + make() + ";EndpointSuffix=core.windows.net"
    assert [f.kind for f in scan_text(text)] == [ACCOUNT_KEY]


def test_sql_password_is_found() -> None:
    password = _draw(string.ascii_letters, 14) + "1!"
    text = f"Server=tcp:db.database.windows.net;Database=app;User ID=app;Password={password};"
    assert [f.kind for f in scan_text(text)] == [SQL_PASSWORD]


@pytest.mark.parametrize("text", [
    "Server=db;Database=app;User ID=app;Password={your_password};",
    "Server=db;Database=app;User ID=app;Password=$(SqlPassword);",
    "Server=db;Database=app;User ID=app;Password=<password>;",
    "password = input('Password: ')",
    "AccountKey=" + "A" * 86 + "==",
    "clientSecret: abc1Q~" + "x" * 34,
])
def test_azure_placeholders_stay_clean(text: str) -> None:
    assert scan_text(text) == []


@pytest.mark.parametrize("shape", [
    '<add key="ClearTextPassword" value="{p}" />',
    'var creds = new VssBasicCredential(string.Empty, "{p}");',
    "credentials = BasicAuthentication('', '{p}')",
    "echo {p} | az devops login --organization https://dev.azure.com/o",
    "$MyPat = '{p}'",
])
def test_legacy_pat_in_call_shapes(shape: str) -> None:
    assert [f.kind for f in scan_text(shape.format(p=legacy_pat()))] == [LEGACY_PAT]


@pytest.mark.parametrize("shape", [
    '<add key="ClearTextPassword" value="%NUGET_PAT%" />',
    'new VssBasicCredential(string.Empty, "{w}");',
    "echo {w} | az devops login",
])
def test_call_shapes_with_words_stay_clean(shape: str) -> None:
    word = "pneumonoultramicroscopicsilicovolcanoconiosisandmore"  # 52 letters
    assert len(word) == 52
    assert scan_text(shape.format(w=word)) == []


def _ppk(version: int, private: str) -> str:
    public = "\n".join(base64.b64encode(secrets.token_bytes(48)).decode() for _ in range(2))
    return (f"PuTTY-User-Key-File-{version}: ssh-rsa\nEncryption: none\nComment: k\nPublic-Lines: 2\n"
            f"{public}\nPrivate-Lines: 1\n{private}\nPrivate-MAC: {secrets.token_hex(32)}\n")


@pytest.mark.parametrize("version", [2, 3])
def test_putty_ppk_private_part_is_found(version: int) -> None:
    private = base64.b64encode(secrets.token_bytes(48)).decode()
    findings = scan_text(_ppk(version, private), "key.ppk")
    assert [(f.line, f.column, f.kind) for f in findings] == [(7, 1, PPK)]


@pytest.mark.parametrize("text", [
    "A .ppk file has `Public-Lines:` and `Private-Lines:` headers.\n",
    "Private-Lines: 14\n\nPrivate-MAC: none\n",  # the header with no key material after it
    "Private-Lines: N\nAAAAgQDbase64here\n",
])
def test_ppk_headers_without_key_material_are_clean(text: str) -> None:
    assert scan_text(text) == []
