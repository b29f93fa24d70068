"""``azrepos ssh-key list|add|remove|rotate``."""

from __future__ import annotations

import argparse
import getpass
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..rest.models import SessionToken, format_time
from ..sshkeys import host_setup, key_files, registrations, rotation
from ..sshkeys.public_key import fingerprint_of, parse
from ..sshkeys.sync import (
    DEFAULT_RENEW_WITHIN_DAYS,
    DEFAULT_VALID_DAYS,
    KeySync,
    SyncResult,
    checked_days,
)
from .context import OrgContext, add_org_arguments
from .output import emit


def default_name() -> str:
    return f"azrepos {getpass.getuser()}@{socket.gethostname()}"


def _days(text: str) -> int:
    try:
        return checked_days(int(text), "the value")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    except UsageError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _ssh_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("ssh configuration")
    group.add_argument("--no-ssh-config", dest="ssh_config", action="store_false",
                       help="do not write ~/.ssh/config entries or pin the host key")
    group.add_argument("--ssh-host", help="SSH host, if not Azure's (Server, sandbox)")
    group.add_argument("--ssh-port", type=int, help="SSH port, if not 22")
    group.add_argument("--ssh-user", help="SSH user name (default: git)")
    group.add_argument("--ssh-host-key-fingerprint", metavar="SHA256:...",
                       help="expected host key fingerprint of --ssh-host, to pin it")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("ssh-key", help="manage SSH public keys in Azure DevOps")
    sub = parser.add_subparsers(dest="ssh_command", required=True, metavar="COMMAND")

    listing = sub.add_parser("list", help="list the SSH keys registered for you")
    add_org_arguments(listing)
    listing.set_defaults(handler=run_list)

    add = _key_parser(sub, "add", "register a key (created if missing); idempotent", run_add)
    renew_argument(add)

    remove = sub.add_parser("remove", help="revoke a key")
    add_org_arguments(remove)
    which = remove.add_mutually_exclusive_group(required=True)
    which.add_argument("--fingerprint", metavar="SHA256:...")
    which.add_argument("--key", type=Path, help="private or public key file")
    remove.set_defaults(handler=run_remove)

    rotate = _key_parser(sub, "rotate", "new key, register it, switch, revoke the old",
                         run_rotate)
    rotate.add_argument("--if-expiring-within", type=_days, metavar="DAYS",
                        help="rotate only when the registered key ends within DAYS days "
                        "(for a schedule); a rotation left unfinished is always finished")


def renew_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--renew-within-days", type=_days, default=DEFAULT_RENEW_WITHIN_DAYS,
                        help="extend the key when it expires sooner than this")


def _key_parser(sub: argparse._SubParsersAction, name: str, help_text: str,
                handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
    """The arguments ``add`` and ``rotate`` share: which key, its name, life and size."""
    parser = sub.add_parser(name, help=help_text)
    add_org_arguments(parser)
    key_arguments(parser)
    parser.set_defaults(handler=handler)
    return parser


def key_arguments(parser: argparse.ArgumentParser) -> None:
    """Which key, its name, life and size, and the SSH configuration (add, rotate, setup)."""
    parser.add_argument("--key", type=Path, help="private key (default ~/.ssh/id_rsa_azrepos)")
    parser.add_argument("--name", help="display name in Azure DevOps")
    parser.add_argument("--valid-days", type=_days, default=DEFAULT_VALID_DAYS)
    parser.add_argument("--bits", type=int, default=key_files.DEFAULT_BITS)
    _ssh_arguments(parser)


def _token_json(token: SessionToken) -> dict[str, Any]:
    return {
        "id": token.authorization_id,
        "name": token.display_name,
        "fingerprint": fingerprint_of(token.public_data),
        "valid_to": format_time(token.valid_to) if token.valid_to else None,
        "valid": token.is_valid,
    }


def run_list(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    tokens = ctx.client.list_ssh_keys()
    rows = [_token_json(t) for t in tokens]
    text = "\n".join(f"{r['fingerprint']}  {r['valid_to']}  {r['name']}" for r in rows)
    emit(args.json, {"changed": False, "count": len(rows), "keys": rows},
         text or f"no SSH keys registered in {ctx.org.url}")
    return 0


def _configure_ssh(args: argparse.Namespace, ctx: OrgContext, key_path: Path) -> bool:
    """``~/.ssh/config`` and known_hosts for the key, unless --no-ssh-config."""
    if not args.ssh_config:
        return False
    target = host_setup.target_for(ctx.org, host=args.ssh_host, port=args.ssh_port,
                                   user=args.ssh_user,
                                   host_key_fingerprint=args.ssh_host_key_fingerprint)
    return host_setup.configure(Path.home(), ctx.org, key_path, target)


def _remember(org_url: str, result: SyncResult) -> None:
    """What the service just said of the key, for ``azrepos status`` to read offline."""
    document = result.to_json()
    registrations.remember(org_url, result.fingerprint,
                           result.action not in ("revoked", "absent"), document["valid_to"])


def _outcome(result: SyncResult, extra_changed: bool = False) -> tuple[dict[str, Any], str]:
    """The JSON document and the text line for one key result."""
    document = result.to_json()
    document["changed"] = document["changed"] or extra_changed
    state = {"added": "added", "extended": "extended", "unchanged": "unchanged",
             "revoked": "revoked", "absent": "not registered (unchanged)",
             "rotated": "rotated"}[result.action]
    name = f" ({document['name']})" if document["name"] else ""
    until = f", valid until {document['valid_to']}" if document["valid_to"] else ""
    return document, f"{state}: {result.fingerprint}{name}{until}"


def _report(args: argparse.Namespace, result: SyncResult, extra_changed: bool = False) -> None:
    emit(args.json, *_outcome(result, extra_changed))


def run_add(args: argparse.Namespace) -> int:
    emit(args.json, *add_key(args, OrgContext.of(args)))
    return 0


def add_key(args: argparse.Namespace, ctx: OrgContext) -> tuple[dict[str, Any], str]:
    """``ssh-key add`` for ``ctx``'s organization, with the key options in ``args``, without
    the output: the key in place, registered, SSH configured."""
    key_path = (args.key or key_files.default_key_path()).expanduser()
    ctx.client.connection_data()  # a refused credential fails here, before any key is made
    result = KeySync(ctx.client).add_local(
        key_path, name=args.name or default_name(), bits=args.bits, valid_days=args.valid_days,
        renew_within_days=args.renew_within_days,
        on_switch=lambda path: _configure_ssh(args, ctx, path))
    _remember(ctx.org.url, result)
    return _outcome(result, _configure_ssh(args, ctx, key_path))


def run_remove(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    if args.fingerprint:
        if not args.fingerprint.startswith("SHA256:"):
            raise UsageError(f"{args.fingerprint!r} is not a SHA256 fingerprint",
                             hint="copy it from 'azrepos ssh-key list' (SHA256:...)")
        fingerprint = args.fingerprint
    else:
        path = args.key.expanduser()
        pub = path if path.suffix == ".pub" else key_files.pub_path(path)
        if not pub.is_file() and not path.is_file():
            raise UsageError(f"no key at {path} (nor {pub})",
                             hint="give the key that was registered (--key PATH) or its "
                             "fingerprint (--fingerprint SHA256:..., from 'azrepos ssh-key list')")
        fingerprint = (parse(pub.read_text(encoding="utf-8")) if pub.is_file()
                       else key_files.load(path).public).fingerprint
    result = KeySync(ctx.client).absent(fingerprint)
    _remember(ctx.org.url, result)
    _report(args, result)
    return 0


def run_rotate(args: argparse.Namespace) -> int:
    ctx = OrgContext.of(args)
    key_path = (args.key or key_files.default_key_path()).expanduser()
    ctx.client.connection_data()  # a refused credential fails here, before KEY.next is made
    sync = KeySync(ctx.client)
    if args.if_expiring_within is not None and rotation.read_journal(key_path) is None:
        local = key_files.load(key_path)
        due, latest = sync.expiring(local.public.fingerprint, args.if_expiring_within)
        if not due:
            result = SyncResult("unchanged", local.public.fingerprint, latest, key_path=key_path)
            document, _ = _outcome(result)
            until = document["valid_to"] or "never registered here"
            emit(args.json, document, f"unchanged: {local.public.fingerprint} is registered "
                 f"until {until}, beyond {args.if_expiring_within} days")
            return 0
    result = sync.rotate(
        key_path, name=args.name or default_name(), bits=args.bits, valid_days=args.valid_days,
        on_switch=lambda path: _configure_ssh(args, ctx, path))
    assert result is not None  # resume_only is off: a rotation always happens
    _remember(ctx.org.url, result)
    _report(args, result)
    return 0
