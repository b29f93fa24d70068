"""First-start seeding: the organization, its users, the seeded PAT and the sample repo.

Each piece is checked on its own, so a start that died half-way is completed next time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from azrepos_sandbox.constants import (
    FULL_ACCESS_SCOPE,
    KNOWN_USERS,
    ORG_NAME,
    PROJECT_NAME,
    REPO_NAME,
    SEED_PAT_NAME,
    SEEDED_USER,
)
from azrepos_sandbox.disk import replace_file
from azrepos_sandbox.git.bare import build_bare_repo, git_out
from azrepos_sandbox.identity.pats import generate_pat, hash_pat
from azrepos_sandbox.projects.catalog import seed_catalog
from azrepos_sandbox.store import Org, Store, User, new_guid, utc_now

_README = """# hello

A sample repository served by the azrepos sandbox.
"""


@dataclass(frozen=True)
class Seeded:
    org: Org
    user: User
    pat: str
    deployment_id: str


def ensure_user(store: Store, handle: str, tenant_id: str) -> User:
    """The user named ``handle`` (one of KNOWN_USERS), created on first use."""
    existing = store.user_by_handle(handle)
    if existing is not None:
        return existing
    display_name, email = KNOWN_USERS[handle]
    return store.add_user(handle, display_name, email, tenant_id)


def issue_pat(store: Store, user: User, scopes: list[str], valid_days: float, *,
              all_orgs: bool = False) -> str:
    pat = generate_pat()
    store.add_pat(hash_pat(pat), user.id, scopes, utc_now() + timedelta(days=valid_days),
                  all_orgs=all_orgs)
    return pat


def _seed_pat(store: Store, state_dir: Path, user: User) -> str:
    # Only the hash is in the database; the clear PAT lives in a 0600 file beside it so that
    # sandbox.json can show it again after a restart.
    path = state_dir / SEED_PAT_NAME
    if path.exists():
        pat = path.read_text().strip()
        record = store.pat(hash_pat(pat))
        if record is not None and record.is_valid():
            return pat
    pat = issue_pat(store, user, [FULL_ACCESS_SCOPE], valid_days=365)
    replace_file(path, pat + "\n", mode=0o600)
    return pat


def create_bare_repo(path: Path) -> None:
    """A bare repository on ``main`` with one commit holding README.md, made with plumbing."""
    author = KNOWN_USERS[SEEDED_USER]

    def fill(git_dir: Path) -> None:
        blob = git_out(git_dir, "hash-object", "-w", "--stdin", stdin=_README)
        tree = git_out(git_dir, "mktree", stdin=f"100644 blob {blob}\tREADME.md\n")
        commit = git_out(git_dir, "commit-tree", tree, "-m", "Add README.md", identity=author)
        git_out(git_dir, "update-ref", "refs/heads/main", commit)
        git_out(git_dir, "symbolic-ref", "HEAD", "refs/heads/main")

    build_bare_repo(path, fill)


def ensure_bare_repo(repos_root: Path, rel_path: str) -> Path:
    """The bare repository at ``rel_path``, made on first use: a catalogue of a hundred
    repositories costs nothing at start, only the ones fetched are created."""
    path = repos_root / rel_path
    if not path.exists():
        create_bare_repo(path)
    return path


def seed(store: Store, state_dir: Path) -> Seeded:
    org = store.org_by_name(ORG_NAME)
    if org is None:
        org = store.add_org(ORG_NAME, tenant_id=new_guid())
    deployment_id = store.get_meta("deployment_id")
    if deployment_id is None:
        deployment_id = new_guid()
        store.set_meta("deployment_id", deployment_id)
    user = ensure_user(store, SEEDED_USER, org.tenant_id)
    for handle in KNOWN_USERS:  # a reviewer other than the caller is there from the start
        ensure_user(store, handle, org.tenant_id)
    pat = _seed_pat(store, state_dir, user)
    rel_path = f"{ORG_NAME}/{PROJECT_NAME}/{REPO_NAME}.git"
    repo_path = state_dir / "repos" / rel_path
    if not repo_path.exists():
        create_bare_repo(repo_path)
    if (store.repo(org.id, PROJECT_NAME, REPO_NAME) is None
            and rel_path not in store.recycled_paths(org.id)):
        store.add_repo(org.id, PROJECT_NAME, REPO_NAME, rel_path)
    seed_catalog(store, org)
    return Seeded(org, user, pat, deployment_id)
