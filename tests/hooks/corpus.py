"""A realistic leak corpus, generated at run time from a fixed seed (no secret is committed).

Each leak file holds exactly one secret, in a shape seen in real leaks next to Azure DevOps code
(`../shared/reference/azure-devops-facts.md`, "Secret formats"); each look-alike file holds
none, only what secret scanners mistake for one. Used by tests/hooks/test_corpus.py (the CI judge
against detect-secrets) and benchmarks/secret_scan.py (the timed comparison with peers).
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SEED = 20261202
BASE32 = string.ascii_lowercase + "234567"
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


@dataclass(frozen=True)
class Leak:
    path: str
    kind: str  # the corpus's own label, one per shape family
    secret: str  # what must never be echoed (the raw secret, and its encoded form if any)


@dataclass
class Corpus:
    root: Path
    leaks: list[Leak] = field(default_factory=list)
    clean: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return [leak.path for leak in self.leaks] + self.clean


class _Secrets:
    """Secret-shaped values from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def legacy_pat(self) -> str:
        while True:  # a random base32 draw with a placeholder-like run is redrawn, as in conftest
            value = self.pick(BASE32, 52)
            if len(set(value)) >= 20 and sum(c.isdigit() for c in value) >= 6:
                return value

    def current_pat(self) -> str:
        return (self.pick(ALNUM, 52) + "JQQJ99" + self.pick(ALNUM, 1) + self.rng.choice("ABCDEFGHIJKL")
                + "ACAAAAA" + self.pick(ALNUM, 5) + "AAAS" + "AZDO" + self.pick(ALNUM, 4))

    def pat(self) -> str:
        return self.current_pat() if self.rng.random() < 0.5 else self.legacy_pat()

    def jwt(self) -> str:
        def part(data: dict[str, object]) -> str:
            return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
        header = {"typ": "JWT", "alg": "RS256", "x5t": self.pick(B64URL, 27), "kid": self.pick(B64URL, 27)}
        payload = {"aud": "499b84ac-1321-427f-aa17-267ca6975798",
                   "appid": "872cd9fa-d31f-45e0-9eab-6e460a02d1f1",
                   "iss": f"https://sts.windows.net/{self.guid()}/", "oid": self.guid(), "tid": self.guid(),
                   "scp": "user_impersonation", "upn": "dev@contoso.com", "exp": 1767225600}
        return f"{part(header)}.{part(payload)}.{self.pick(B64URL, 342)}"

    def client_secret(self) -> str:
        return self.pick(ALNUM, 3) + self.pick(string.digits, 1) + "Q~" + self.pick(ALNUM + "~.-_", 34)

    def b64(self, n_bytes: int) -> str:
        return base64.b64encode(self.rng.randbytes(n_bytes)).decode()

    def guid(self) -> str:
        h = self.rng.randbytes(16).hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def sha(self, n: int = 40) -> str:
        return self.rng.randbytes(n // 2).hex()


def basic(pat: str) -> str:
    return base64.b64encode(f":{pat}".encode()).decode()


def _pem(label: str, body: str) -> str:
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----"]) + "\n"


def _ppk(s: _Secrets, version: int) -> tuple[str, str]:
    """An unencrypted PuTTY key file (v2 and v3 differ only in the header here) and its first
    private line, the part that must never be echoed."""
    public = [s.b64(48)[:64] for _ in range(6)]
    private = [s.b64(48)[:64] for _ in range(14)]
    head = [f"PuTTY-User-Key-File-{version}: ssh-rsa", "Encryption: none", "Comment: rsa-key-20261202",
            "Public-Lines: 6", *public]
    lines = [*head, "Private-Lines: 14", *private, f"Private-MAC: {s.sha(64)}"]
    return "\n".join(lines) + "\n", private[0]


def _leak_shapes(s: _Secrets) -> list[tuple[str, str, Callable[[], tuple[str, str]]]]:
    """(file name, kind, make) where make() -> (content, secret)."""

    def with_secret(secret: str, template: str) -> tuple[str, str]:
        return template.replace("SECRET", secret), secret

    def encoded(pat: str, template: str) -> tuple[str, str]:
        return template.replace("SECRET", basic(pat)), pat

    shapes: list[tuple[str, str, Callable[[], tuple[str, str]]]] = []
    for n in range(2):
        shapes += [
            (f"pipelines/build{n}.yml", "PAT in YAML pipeline", lambda: with_secret(
                s.pat(), "trigger: [main]\nvariables:\n  AZURE_DEVOPS_PAT: 'SECRET'\nsteps:\n"
                "  - script: az devops configure --defaults organization=https://dev.azure.com/contoso\n")),
            (f"scripts/deploy{n}.ps1", "PAT in PowerShell", lambda: with_secret(
                s.pat(), "$OrgUrl = 'https://dev.azure.com/contoso'\n$MyPat = 'SECRET'\n"
                "$B64Pat = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(\":$MyPat\"))\n")),
            (f"scripts/setup{n}.sh", "PAT in shell", lambda: with_secret(
                s.pat(), "#!/bin/sh\nset -e\nexport AZURE_DEVOPS_EXT_PAT=SECRET\naz repos list\n")),
            (f"config/settings{n}.json", "PAT in JSON", lambda: with_secret(
                s.pat(), '{\n  "organization": "https://dev.azure.com/contoso",\n  "personalAccessToken": '
                '"SECRET",\n  "project": "Web"\n}\n')),
            (f"env/dev{n}.env", "PAT in .env", lambda: with_secret(
                s.pat(), "ORG=contoso\nAZDO_TOKEN=SECRET\nLOG_LEVEL=info\n")),
            (f"nuget/NuGet{n}.Config", "PAT in NuGet.Config", lambda: with_secret(
                s.pat(),
                '<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSourceCredentials>\n'
                '    <contoso>\n      <add key="Username" value="build" />\n'
                '      <add key="ClearTextPassword" value="SECRET" />\n    </contoso>\n'
                "  </packageSourceCredentials>\n</configuration>\n")),
            (f"src/Client{n}.cs", "PAT in VssBasicCredential", lambda: with_secret(
                s.pat(), "var creds = new VssBasicCredential(string.Empty, \"SECRET\");\n"
                "var connection = new VssConnection(new Uri(url), creds);\n")),
            (f"src/client{n}.py", "PAT in BasicAuthentication", lambda: with_secret(
                s.pat(), "from msrest.authentication import BasicAuthentication\n"
                "credentials = BasicAuthentication('', 'SECRET')\n")),
            (f"docs/login{n}.md", "PAT piped to az devops login", lambda: with_secret(
                s.pat(),
                "Sign in:\n\n    echo SECRET | az devops login --organization https://dev.azure.com/contoso\n")),
            (f"repo{n}/.gitmodules", "PAT as URL user", lambda: with_secret(
                s.pat(),
                '[submodule "lib"]\n\tpath = lib\n\turl = https://SECRET@dev.azure.com/contoso/Web/_git/lib\n')),
            (f"scripts/clone{n}.sh", "PAT as URL password", lambda: with_secret(
                s.pat(), "git clone https://build:SECRET@contoso.visualstudio.com/Web/_git/site\n")),
            (f"repo{n}/config", "Basic PAT in http.extraheader", lambda: encoded(
                s.pat(),
                '[core]\n\tbare = false\n[remote "origin"]\n\turl = https://dev.azure.com/contoso/Web/_git/site\n'
                "[http]\n\textraheader = AUTHORIZATION: Basic SECRET\n")),
            (f"ci/checkout{n}.sh", "Basic PAT on git command line", lambda: encoded(
                s.pat(), 'git -c http.extraheader="AUTHORIZATION: Basic SECRET" clone '
                "https://dev.azure.com/contoso/Web/_git/site\n")),
            (f"ci/api{n}.sh", "Basic PAT in curl -H", lambda: encoded(
                s.pat(), "curl -sS -H 'Authorization: Basic SECRET' "
                "https://dev.azure.com/contoso/_apis/projects?api-version=7.1\n")),
            (f"scripts/api{n}.ps1", "Basic PAT in PowerShell header", lambda: encoded(
                s.pat(), '$headers = @{ Authorization = "Basic SECRET" }\n'
                "Invoke-RestMethod -Uri $url -Headers $headers\n")),
            (f"web{n}/.npmrc", ".npmrc _password", lambda: with_secret(
                base64.b64encode(s.pat().encode()).decode(),
                "registry=https://pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/\n"
                "always-auth=true\n//pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/:username=contoso\n"
                "//pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/:_password=SECRET\n")),
            (f"scripts/token{n}.py", "Entra access token", lambda: with_secret(
                s.jwt(), 'HEADERS = {"Authorization": "Bearer SECRET"}\n')),
            (f"pipelines/release{n}.yml", "SYSTEM_ACCESSTOKEN value", lambda: with_secret(
                s.jwt(), "steps:\n  - script: ./publish.sh\n    env:\n      SYSTEM_ACCESSTOKEN: SECRET\n")),
            (f"config/appsettings{n}.json", "Entra client secret", lambda: with_secret(
                s.client_secret(), '{\n  "AzureAd": {\n    "ClientId": "' + s.guid() + '",\n'
                '    "ClientSecret": "SECRET"\n  }\n}\n')),
            (f"config/storage{n}.config", "storage AccountKey", lambda: with_secret(
                s.b64(64), "DefaultEndpointsProtocol=https;AccountName=contosodata;AccountKey=SECRET;"
                "EndpointSuffix=core.windows.net\n")),
            (f"config/bus{n}.json", "Service Bus SharedAccessKey", lambda: with_secret(
                s.b64(32), '{"ServiceBus": "Endpoint=sb://contoso.servicebus.windows.net/;'
                'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SECRET"}\n')),
            (f"config/db{n}.config", "SQL Password", lambda: with_secret(
                s.pick(ALNUM + "!#", 18),
                '<add name="Db" connectionString="Server=tcp:contoso.database.windows.net,'
                # the template's own "Password=SECRET" stays on a line of its own, so this file is clean
                '1433;Database=app;User ID=app;'
                'Password=SECRET;Encrypt=True;" />\n')),
        ]
    shapes += [
        ("keys/id_rsa", "private key (PEM RSA)", lambda: with_secret(
            body := s.b64(1190), _pem("RSA PRIVATE KEY", body))),
        ("keys/id_rsa_azure", "private key (OpenSSH)", lambda: with_secret(
            body := s.b64(1800), _pem("OPENSSH PRIVATE KEY", body))),
        ("keys/app.key", "private key (PKCS#8)", lambda: with_secret(
            body := s.b64(1216), _pem("PRIVATE KEY", body))),
        ("keys/deploy.ppk", "private key (PuTTY .ppk v2)", lambda: _ppk(s, 2)),
        ("keys/build.ppk", "private key (PuTTY .ppk v3)", lambda: _ppk(s, 3)),
    ]
    return shapes


def _clean_files(s: _Secrets) -> dict[str, str]:
    word52 = "pneumonoultramicroscopicsilicovolcanoconiosisandmore"  # 52 letters, a-z only
    lock = "\n".join(f'    "node_modules/pkg{i}": {{"integrity": "sha512-{s.b64(64)}"}},' for i in range(20))
    minified = ";".join(f"var {s.pick(string.ascii_lowercase, 2)}=function(e){{return e.{s.pick(ALNUM, 6)}}}"
                        for _ in range(400))
    files = {
        "clean/azure-pipelines.yml":
            "steps:\n  - script: git push\n    env:\n      SYSTEM_ACCESSTOKEN: $(System.AccessToken)\n"
        "  - script: git -c http.extraheader=\"AUTHORIZATION: bearer $(System.AccessToken)\" fetch\n",
        "clean/github-workflow.yml":
            "env:\n  AZURE_DEVOPS_EXT_PAT: ${{ secrets.PAT }}\n  TOKEN: ${{ secrets.AZDO_TOKEN }}\n",
        "clean/login.cmd": "set AZURE_DEVOPS_EXT_PAT=%PAT%\necho %PAT% | az devops login\n",
        "clean/README.md": "Create a PAT and paste it: `export AZURE_DEVOPS_EXT_PAT=<your-pat>`\n"
        "Then run `echo yourPAT | az devops login`.\n",
        "clean/guids.txt": "\n".join(s.guid() for _ in range(30)) + "\n",
        "clean/shas.txt": "\n".join(f"{s.sha()} refs/heads/b{i}" for i in range(30)) + "\n",
        "clean/known_hosts": "ssh.dev.azure.com ssh-rsa " + s.b64(279) + "\n",
        "clean/id_rsa.pub": "ssh-rsa " + s.b64(535) + " dev@laptop\n",
        "clean/fingerprints.txt": "\n".join(f"SHA256:{s.b64(32).rstrip('=')}" for _ in range(10)) + "\n",
        "clean/package-lock.json": "{\n  \"packages\": {\n" + lock + "\n  }\n}\n",
        "clean/app.min.js": minified + "\n",
        "clean/gitmodules": '[submodule "lib"]\n\turl = https://contoso@dev.azure.com/contoso/Web/_git/lib\n',
        "clean/words.txt": f"{word52}\npassword = {word52}\ntoken: {word52}\n",
        "clean/pat-format.md": "A PAT is 52 characters of `[a-z2-7]`; new ones are 84 characters with "
        "`JQQJ99` and `AZDO` in them.\n",
        "clean/placeholder-pat.env": "AZDO_PAT=abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst\n",
        "clean/basic-var.sh": 'git -c http.extraheader="AUTHORIZATION: Basic $B64_PAT" fetch\n',
        "clean/Program.cs":
            "var creds = new VssBasicCredential(string.Empty,\n"
            "    Environment.GetEnvironmentVariable(\"PAT\"));\n",
        "clean/nuget.config": '<add key="ClearTextPassword" value="%NUGET_PAT%" />\n',
        "clean/appsettings.json":
            '{"AzureAd": {"ClientSecret": "<client-secret>", "TenantId": "' + s.guid() + '"}}\n',
        "clean/storage.config": "AccountKey=<storage-key>;AccountName=contosodata\n",
        "clean/db.config": "Server=tcp:db;Database=app;User ID=app;Password=$(DB_PASSWORD);\n",
        "clean/key-check.py":
            'if text.startswith("-----BEGIN RSA PRIVATE KEY-----"):\n    raise ValueError("no keys")\n',
        "clean/ppk-docs.md": "A .ppk file has `Public-Lines:` and `Private-Lines:` headers.\n",
        "clean/jwt-sample.md": "A JWT looks like `eyJhbGciOi...` (header.payload.signature).\n",
        "clean/hashes.sha256": "\n".join(f"{s.sha(64)}  file{i}.tar.gz" for i in range(20)) + "\n",
        "clean/uuid.json": json.dumps({"id": s.guid(), "etag": s.sha(32), "build": s.b64(12)}) + "\n",
        "clean/curl.sh":
            "curl -H \"Authorization: Bearer $TOKEN\" https://dev.azure.com/contoso/_apis/projects\n",
        "clean/npmrc":
            "//pkgs.dev.azure.com/contoso/_packaging/feed/npm/registry/:_password=${NPM_PAT_B64}\n",
        "clean/ps-header.ps1": '$headers = @{ Authorization = "Basic $B64Pat" }\n',
        "clean/docker-digest.txt": "\n".join(f"sha256:{s.sha(64)}" for _ in range(10)) + "\n",
        "clean/base64-image.css": ".logo{background:url(data:image/png;base64," + s.b64(600) + ")}\n",
        "clean/vars.tf": 'variable "pat" {\n  type      = string\n  sensitive = true\n}\n',
        "clean/ssh-config":
            "Host azure-contoso\n  HostName ssh.dev.azure.com\n  IdentityFile ~/.ssh/id_rsa_azrepos\n",
        "clean/git-log.txt":
            "\n".join(f"commit {s.sha()}\nAuthor: Dev <dev@contoso.com>\n" for _ in range(10)),
        "clean/settings.py":
            "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']\nPAT = os.environ.get('AZDO_PAT', '')\n",
        "clean/az-cli.md": "Run `az devops login` and paste your token when prompted.\n",
        "clean/random-b64.txt": "data: " + s.b64(90) + "\n",
        "clean/base32-ids.txt": "\n".join("id: " + s.pick(BASE32, 26) for _ in range(10)) + "\n",
        "clean/client-id.json": '{"clientId": "872cd9fa-d31f-45e0-9eab-6e460a02d1f1", "authority": '
        '"https://login.microsoftonline.com/organizations"}\n',
        "clean/sql-doc.md": "Use `Password=yourStrong(!)Password` in examples only; never `Password=<pw>`.\n",
    }
    return files


def generate(root: Path, seed: int = SEED) -> Corpus:
    """Write the corpus under ``root`` and say which file holds which leak."""
    s = _Secrets(random.Random(seed))
    corpus = Corpus(root)
    for name, kind, make in _leak_shapes(s):
        content, secret = make()
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        corpus.leaks.append(Leak(name, kind, secret))
    for name, content in _clean_files(s).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
        corpus.clean.append(name)
    return corpus
