"""Names the sandbox seeds and serves; tests and sandbox.json refer to these."""

from __future__ import annotations

ORG_NAME = "fabrikam"
PROJECT_NAME = "Fabrikam"
REPO_NAME = "hello"

# Handle -> (display name, email). Both are seeded; the seeded PAT is dev1's, so dev2 is the
# reviewer other than the caller.
KNOWN_USERS: dict[str, tuple[str, str]] = {
    "dev1": ("Dev One", "dev1@fabrikam.example"),
    "dev2": ("Dev Two", "dev2@fabrikam.example"),
}
SEEDED_USER = "dev1"

# "app_token" is the scope Azure DevOps gives a full-access PAT.
FULL_ACCESS_SCOPE = "app_token"
KEY_SCOPE_DEFAULT = "app_token"
NULL_GUID = "00000000-0000-0000-0000-000000000000"

DB_NAME = "sandbox.db"
INFO_NAME = "sandbox.json"
LOG_NAME = "sandbox.log"
SEED_PAT_NAME = "seed-pat"

# Entra ID facts (see azure-devops-facts.md). The sandbox states them itself: it plays the
# service, so it must not borrow them from the client it is testing.
ADO_RESOURCE = "499b84ac-1321-427f-aa17-267ca6975798"
ADO_SCOPE = f"{ADO_RESOURCE}/.default"
GCM_CLIENT_ID = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1"  # GCM's (Visual Studio's) public client
ENTRA_DIR = "entra"  # state_dir/entra: signing key, service principal secret and certificate

# The repository catalogue (projects/catalog.py): a fork and a disabled repository beside the
# sample, a project with enough repositories to need several pages, and a small one.
FORK_REPO_NAME = "hello-fork"
DISABLED_REPO_NAME = "archived"
LARGE_PROJECT_NAME = "Platform"
LARGE_PROJECT_REPOS = 120
TOOLS_PROJECT_NAME = "Tools"
TOOLS_REPOS = ("cli", "docs")
# Page sizes the sandbox caps $top at, so every listing of the catalogue takes pages.
PROJECTS_PAGE_SIZE = 2
REPOS_PAGE_SIZE = 50
PULL_REQUESTS_PAGE_SIZE = 100
