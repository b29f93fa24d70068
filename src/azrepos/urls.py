"""Parsing of Azure DevOps organization, repository and SSH URLs.

Which host serves identity calls, and which part of a URL names the organization, is decided
here and nowhere else (with the host table and organization key of ``hosts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, unquote, urlsplit

from .errors import UsageError
from .hosts import (
    CLOUD_HOST,
    CLOUD_SSH_HOST,
    CLOUD_VSSPS_HOST,
    LEGACY_SSH_HOST,
    LEGACY_SUFFIX,
    is_legacy_host,
    org_key,
)

_ORG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_SCP_SSH = re.compile(r"^(?:(?P<user>[^@/]+)@)?(?P<host>[^:/]+):(?P<path>[^/].*)$")


@dataclass(frozen=True)
class Organization:
    """An Azure DevOps organization (or Server collection) and where its APIs live."""

    name: str
    url: str  # org / collection base URL, no trailing slash
    vssps_url: str  # identity service base URL (SSH keys, tokens)
    kind: str  # "cloud", "legacy" or "server"

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower()

    @property
    def credential_key(self) -> str:
        """Stable key naming this organization in secret stores and state files."""
        return org_key(self.url)


@dataclass(frozen=True)
class RepoRef:
    """What a repository URL names. ``project`` and ``repo`` are None for an org URL."""

    org: Organization
    project: str | None
    repo: str | None
    transport: str  # "https" or "ssh"
    ssh_user: str | None = None
    ssh_host: str | None = None
    ssh_port: int | None = None

    @property
    def https_url(self) -> str | None:
        if not (self.project and self.repo):
            return None
        return repo_https_url(self.org, self.project, self.repo)


def repo_https_url(org: Organization, project: str, repo: str) -> str:
    return f"{org.url}/{quote(project)}/_git/{quote(repo)}"


def repo_ssh_url(org: Organization, project: str, repo: str, host: str) -> str:
    """The SSH clone URL through ``host`` (``git@ssh.dev.azure.com`` or an alias)."""
    return f"{host}:v3/{org.name}/{quote(project)}/{quote(repo)}"


def same_remote(url: str) -> str:
    """A remote URL compared as git would find it the same repository (case, ``.git``, ``/``)."""
    return org_key(url).removesuffix(".git")


def _bad(url: str, why: str) -> UsageError:
    return UsageError(
        f"{url!r} is not an Azure DevOps organization URL: {why}",
        hint="use https://dev.azure.com/ORG, https://ORG.visualstudio.com, or your "
        "Azure DevOps Server collection URL such as https://tfs.example.com/tfs/DefaultCollection",
    )


def _split(url: str) -> SplitResult:
    """urlsplit, with its ValueError (a bad IPv6 literal, a bad port) as a usage error."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port
    except ValueError as exc:
        raise _bad(url, str(exc)) from None
    return parts


def _split_https(url: str) -> tuple[str, str, list[str]]:
    parts = _split(url)
    if parts.scheme.lower() != "https":
        raise _bad(url, "it must start with https://")
    if not parts.hostname:
        raise _bad(url, "it has no host name")
    if parts.password:
        raise UsageError(
            "the URL embeds a credential; azrepos never takes secrets in URLs",
            hint="remove the user:password@ part and give the PAT with --pat-stdin or "
            "AZURE_DEVOPS_EXT_PAT",
        )
    host = parts.hostname.lower()
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    segments = [unquote(s) for s in parts.path.split("/") if s]
    return host, netloc, segments


def _organization(host: str, netloc: str, segments: list[str], url: str, vssps_url: str | None
                  ) -> tuple[Organization, list[str]]:
    """Return the organization and the path segments that follow it."""
    if host == CLOUD_HOST:
        if not segments:
            raise _bad(url, "the organization name is missing after dev.azure.com/")
        name = segments[0]
        if not _ORG_NAME.match(name):
            raise _bad(url, f"{name!r} is not a valid organization name")
        base = f"https://{CLOUD_HOST}/{quote(name)}"
        vssps = vssps_url or f"https://{CLOUD_VSSPS_HOST}/{quote(name)}"
        return Organization(name, base, vssps.rstrip("/"), "cloud"), segments[1:]
    if is_legacy_host(host):
        name = host[: -len(LEGACY_SUFFIX)]
        rest = segments[1:] if segments[:1] and segments[0].lower() == "defaultcollection" else segments
        vssps = vssps_url or f"https://{name}.vssps{LEGACY_SUFFIX}"
        return Organization(name, f"https://{host}", vssps.rstrip("/"), "legacy"), rest
    # Azure DevOps Server, or the sandbox: the collection is the path up to the project.
    if "_git" in segments:
        cut = segments.index("_git")
        base_segments = segments[: max(cut - 1, 0)] if cut >= 2 else segments[:cut]
        rest = segments[len(base_segments):]
    else:
        base_segments, rest = segments, []
    if not base_segments:
        raise _bad(url, "a Server URL needs its collection path, such as /tfs/DefaultCollection")
    base = f"https://{netloc}/" + "/".join(quote(s) for s in base_segments)
    return Organization(base_segments[-1], base, (vssps_url or base).rstrip("/"), "server"), rest


def parse_org_url(url: str, vssps_url: str | None = None) -> Organization:
    """Parse an organization, collection or repository URL into its organization."""
    if vssps_url is not None:
        _split_https(vssps_url)
    host, netloc, segments = _split_https(url)
    org, _ = _organization(host, netloc, segments, url, vssps_url)
    return org


def _project_repo(rest: list[str]) -> tuple[str | None, str | None]:
    if "_git" not in rest:
        return (rest[0] if rest else None), None
    cut = rest.index("_git")
    repo = rest[cut + 1] if len(rest) > cut + 1 else None
    project = rest[cut - 1] if cut >= 1 else repo  # {org}/_git/{repo}: project named as repo
    return project, repo


def parse_repo_url(url: str, vssps_url: str | None = None) -> RepoRef:
    """Parse any Azure Repos URL: org, project or repo; https or ssh; cloud, legacy or Server."""
    text = url.strip()
    if text.startswith("https://") or text.startswith("http://"):
        host, netloc, segments = _split_https(text)
        org, rest = _organization(host, netloc, segments, text, vssps_url)
        project, repo = _project_repo(rest)
        return RepoRef(org, project, repo, "https")
    return _parse_ssh(text, vssps_url)


def _parse_ssh(text: str, vssps_url: str | None) -> RepoRef:
    user = port = None
    match = _SCP_SSH.match(text)
    if match:
        user, host, path = match["user"], match["host"].lower(), match["path"]
    elif text.startswith("ssh://"):
        parts = _split(text)
        user, host, port = parts.username, (parts.hostname or "").lower(), parts.port
        path = parts.path.lstrip("/")
    else:
        raise UsageError(
            f"{text!r} is neither an https:// nor an ssh URL",
            hint="use https://dev.azure.com/ORG/PROJECT/_git/REPO or "
            "git@ssh.dev.azure.com:v3/ORG/PROJECT/REPO",
        )
    segments = [unquote(s) for s in path.split("/") if s]
    if len(segments) < 2 or segments[0] != "v3":
        raise UsageError(
            f"{text!r} is not an Azure Repos SSH URL: the path must be v3/ORG/PROJECT/REPO",
            hint="copy the SSH clone URL from the repository's Clone button",
        )
    org_name, project, repo = ([*segments[1:4], None, None])[:3]
    if host == CLOUD_SSH_HOST:
        org = parse_org_url(f"https://{CLOUD_HOST}/{org_name}", vssps_url)
    elif host == LEGACY_SSH_HOST:
        org = parse_org_url(f"https://{org_name}{LEGACY_SUFFIX}", vssps_url)
    else:
        org = Organization(org_name, f"https://{host}/{org_name}",
                           (vssps_url or f"https://{host}/{org_name}").rstrip("/"), "server")
    return RepoRef(org, project, repo, "ssh", ssh_user=user, ssh_host=host, ssh_port=port)
