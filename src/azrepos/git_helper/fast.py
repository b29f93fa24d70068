"""Entry point of ``git-credential-azrepos``: answers from what is already at hand, fast.

It walks ``auth.order`` as far as it can with nothing heavier than ``os`` and ``time``: a PAT or
pipeline token in the environment, a valid cached Entra token, a PAT in the file store. Anything
else (a refresh, the OS keyring, a sign-in) loads the full helper, which walks the same order.
"""

from __future__ import annotations

import sys
import time
from io import TextIOBase

from .. import state_files
from ..auth.order import environment_pat, pipeline_token
from ..auth.token_lookup import find_valid
from ..hosts import org_name
from ..secretstore.selection import fast_path_reads_file, pat_key, pat_org
from . import protocol
from .answers import answer_pat, answer_token, looks_like_jwt, say
from .org_match import host_may_be_ours, match_known, request_url
from .pat_details import details_for, load_all, sent_details

OPERATIONS = ("get", "store", "erase")


def quick(operation: str, attrs: protocol.Attributes, stdout: TextIOBase) -> bool:
    """Handle the request from disk alone; False means the full helper must decide."""
    url = request_url(attrs.single)
    if url is None:
        return True  # not https: nothing for us, and nothing for the full helper either
    accounts = state_files.load(state_files.path(state_files.ACCOUNTS)) or {}
    reads_file = fast_path_reads_file()  # else PATs sit in the keyring, which only the full helper reads
    secrets = (state_files.load(state_files.path(state_files.SECRETS), private=True) or {}
               if reads_file else {})
    pat_orgs = [org for org in map(pat_org, secrets) if org]
    known = [*accounts, *pat_orgs]
    org = match_known(url, known)
    if org is None:
        # Another host: no answer, so git asks the next helper.
        return reads_file and not host_may_be_ours(url, known)
    given = environment_pat(), pipeline_token()
    if operation == "get":
        if given[0]:
            protocol.write(stdout, answer_pat(attrs, org_name(org), given[0]))
            return True
        if given[1]:
            protocol.write(stdout, answer_token(attrs, org_name(org), given[1], None))
            return True
        account = accounts.get(org)
        if isinstance(account, dict):
            cache = state_files.load(state_files.path(state_files.TOKEN_CACHE), private=True)
            found = cache and find_valid(
                cache, client_id=str(account.get("client_id")), tenant=str(account.get("tenant")),
                home_account_id=str(account.get("home_account_id") or ""), now=time.time())
            if found:
                protocol.write(stdout, answer_token(attrs, org_name(org), *found))
                return True
            return False  # expired: the full helper refreshes it
        pat = secrets.get(pat_key(org))
        if isinstance(pat, str) and pat:
            stored = details_for(load_all(), org)
            protocol.write(stdout, answer_pat(attrs, org_name(org), pat, stored))
            return True
        return False
    password = attrs.get("password") or attrs.get("credential")
    # git calls store after every success: make the common case (our own answer, a password on
    # git 2.39 or authtype=Bearer + credential on git >= 2.46) cost nothing.
    return operation == "store" and bool(password) and (
        looks_like_jwt(password) or password in given or (secrets.get(pat_key(org)) == password
                                     and details_for(load_all(), org) == sent_details(attrs)))



def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    operation = args[0] if args else ""
    if operation not in OPERATIONS:
        return 0  # unknown operations are ignored silently, as git asks
    try:
        attrs = protocol.read(getattr(sys.stdin, "buffer", sys.stdin))  # bytes from git
    except protocol.ProtocolError as exc:
        say(str(exc))
        return 1
    try:
        if quick(operation, attrs, sys.stdout):
            return 0
    except protocol.ProtocolError as exc:
        say(str(exc))
        return 1
    except Exception:  # noqa: S110 - anything odd on disk: the full helper explains it
        pass
    if sys.flags.no_site and "site" not in sys.modules:
        import site  # started lean by the entry script: the full helper gets a normal start

        site.main()
    from .helper import run

    return run(operation, attrs, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
