# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Filters that hand the roles the azrepos core's rules, so no rule is copied into YAML.

- ``organization``: what an organization URL means (name, canonical URL, identity service URL,
  kind, the key naming it in secret stores), from ``azrepos.urls.parse_org_url``.
- ``gitconfig_org``: an organization entry for ``templates/gitconfig.j2``.
- ``ssh_target``: where an organization's SSH endpoint is and which host key to trust there,
  from ``azrepos.sshkeys.host_setup`` and ``known_hosts``.
- ``ssh_config_hosts``: the ``Host`` entries for ``templates/ssh_config.j2``, from
  ``azrepos.sshkeys.ssh_config.hosts_for`` (per-organization aliases and all).
- ``known_hosts_line``: the known_hosts line still to add for an SSH target, checked against
  its expected fingerprint, from ``azrepos.sshkeys.known_hosts`` (the CLI's own pinning rule).
- ``ssh_key_defaults``: the CLI's defaults for a key (path, size, validity), from
  ``azrepos.sshkeys.key_files`` and ``azrepos.sshkeys.sync``.
- ``ssh_key_journal`` and ``ssh_key_files``: where a key's rotation journal is, and every file
  azrepos keeps for a key, from ``azrepos.sshkeys.rotation``.
- ``managed_block_marker``: the marker of the block azrepos manages in ``~/.ssh/config``, from
  ``azrepos.rendering.managed_block``.
- ``ssh_hosts_file`` and ``ssh_hosts_record``: where the core records which key serves which
  organization over SSH (``~/.config/azrepos/ssh-hosts.json``, read by ``azrepos clone
  --transport auto``) and that record's text, from ``azrepos.sshkeys.host_setup``.
- ``key_registrations_file`` and ``key_registrations_record``: where the core keeps what the
  service last said about a key (``azrepos status`` reads it without a network call), and that
  record's text once the ssh_key module's results are in it, from
  ``azrepos.sshkeys.registrations``.
- ``report_entry``: what the fleet report needs of one host's variables, and nothing else.
- ``gcm_probe_paths`` and ``gcm_settings``: what to look at on a target, and GCM's settings
  for the machine it shows (store, cache options, sign-in flow, credential type), from
  ``azrepos.machine.environment`` and ``azrepos.gitconfig.gcm_settings`` (the CLI's rule).
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

from ansible.errors import AnsibleFilterError
from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import install_hint

try:
    from azrepos import gitconfig, state_files
    from azrepos.errors import AzreposError
    from azrepos.machine import environment
    from azrepos.sshkeys import host_setup, known_hosts, registrations, rotation, ssh_config
    from azrepos.urls import parse_org_url
except ImportError as exc:
    IMPORT_ERROR: ImportError | None = exc
else:
    IMPORT_ERROR = None


def _require_core() -> None:
    if IMPORT_ERROR is not None:
        from ansible.module_utils.basic import missing_required_lib

        hint = install_hint(sys.executable, Path(__file__).resolve().parents[2])
        raise AnsibleFilterError(
            missing_required_lib("azrepos", reason="for the azrepos.devenv filters")
            + f" Install it beside Ansible on the controller: {hint} ({IMPORT_ERROR})"
        )


def _org(url: str, vssps_url: str | None = None):
    _require_core()
    try:
        return parse_org_url(url, vssps_url or None)
    except AzreposError as exc:
        raise AnsibleFilterError(str(exc)) from None


def organization(url: str, vssps_url: str | None = None) -> dict:
    """``'https://dev.azure.com/Contoso/' | azrepos.devenv.organization``."""
    org = _org(url, vssps_url)
    return {**asdict(org), "host": org.host, "credential_key": org.credential_key,
            "alias": ssh_config.org_alias(org.name)}


def gitconfig_org(entry: str | dict) -> dict:
    """``{url, ca_file}`` for ``templates/gitconfig.j2``, the URL in the core's canonical form
    (the credential scope git matches)."""
    spec = {"url": entry} if isinstance(entry, str) else dict(entry)
    org = _org(str(spec["url"]), spec.get("vssps_url"))
    return {"url": org.url, "ca_file": spec.get("ca_file") or None}


def ssh_target(entry: str | dict, host: str | None = None, port: int | None = None,
               user: str | None = None, host_key: str | None = None,
               host_key_fingerprint: str | None = None) -> dict:
    """SSH endpoint of an organization, from its URL or a dict ``{url, ssh_host, ssh_port,
    ssh_user, host_key, host_key_fingerprint}``. Azure's own hosts come with the published host
    key; elsewhere (Server, the sandbox) give host, port, user and the expected host key
    fingerprint (and the key line if you have it; the ssh_key role scans it otherwise)."""
    if isinstance(entry, dict):
        url = str(entry["url"])
        host = entry.get("ssh_host") or host
        port = entry.get("ssh_port") or port
        user = entry.get("ssh_user") or user
        host_key = entry.get("host_key") or host_key
        host_key_fingerprint = entry.get("host_key_fingerprint") or host_key_fingerprint
    else:
        url = entry
    org = _org(url)
    target = host_setup.target_for(org, host=host or None, port=int(port) if port else None,
                                   user=user or None)
    names = known_hosts.names_for(target.hostname, target.port)
    return {
        "org": org.name,
        "org_url": org.url,
        "hostname": target.hostname,
        "port": target.port,
        "user": target.user,
        "host_key": target.host_key or host_key or None,
        "host_key_fingerprint": target.host_key_fingerprint or host_key_fingerprint or None,
        "known_hosts_names": names,
    }


def ssh_config_hosts(entries: list, known_hosts_file: str | None = None) -> list[dict]:
    """Entries ``[{org, hostname, port, user, identity_file}]`` to ``Host`` blocks, grouped by
    SSH endpoint by the core itself."""
    _require_core()
    from azrepos.sshkeys.host_setup import host_entries

    return [asdict(h) for h in host_entries(entries, known_hosts_file or None)]


def known_hosts_line(target: dict, existing: str, offered: list | None = None,
                     where: str = "known_hosts") -> str:
    """For ``target`` (an ``ssh_target`` result): the line to append to a known_hosts file that
    holds ``existing``, or '' when every name is pinned already. ``offered`` is what
    ``ssh-keyscan`` printed when the target has no host key line of its own. A key with another
    fingerprint, offered or already pinned, fails with the core's message."""
    _require_core()
    try:
        key = target.get("host_key") or known_hosts.trusted_offer(
            list(offered or []), target["host_key_fingerprint"], target["hostname"])
        line = known_hosts.missing_line(existing or "", list(target["known_hosts_names"]), key,
                                        target["host_key_fingerprint"], where)
    except AzreposError as exc:
        raise AnsibleFilterError(str(exc)) from None
    return line or ""


def ssh_key_journal(path: str) -> str:
    """``'/home/dev/.ssh/id_rsa_azrepos' | azrepos.devenv.ssh_key_journal``: the file that says
    a rotation of that key is under way."""
    _require_core()
    from pathlib import Path

    return str(rotation.journal_path(Path(path)))


def ssh_key_defaults(home: str) -> dict:
    """``'/home/dev' | azrepos.devenv.ssh_key_defaults``: what ``azrepos ssh-key add`` uses when
    not told: the key's path under that home, its size, and its validity and renewal days."""
    _require_core()
    from azrepos.sshkeys import key_files, sync

    return {"path": str(key_files.default_key_path(Path(home))), "bits": key_files.DEFAULT_BITS,
            "valid_days": sync.DEFAULT_VALID_DAYS,
            "renew_within_days": sync.DEFAULT_RENEW_WITHIN_DAYS}


def ssh_key_files(path: str) -> list:
    """``'/home/dev/.ssh/id_rsa_azrepos' | azrepos.devenv.ssh_key_files``: the files azrepos
    keeps for that key (the pair and its rotation lock), to remove with it."""
    _require_core()
    return [str(p) for p in rotation.files_of(Path(path))]


def managed_block_marker(kind: str = "ssh_config") -> str:
    """``'ssh_config' | azrepos.devenv.managed_block_marker``: the marker of the block azrepos
    manages in that file, for ``ansible.builtin.blockinfile``."""
    _require_core()
    from azrepos.rendering import managed_block

    if kind != "ssh_config":
        raise AnsibleFilterError(f"managed_block_marker: azrepos manages a block only in "
                                 f"ssh_config, not {kind!r}")
    return managed_block.MARKER


def ssh_hosts_file(home: str, config_home: str | None = None) -> str:
    """``ssh_key_home | azrepos.devenv.ssh_hosts_file``: the core's record of SSH
    organizations under that home (or under ``config_home``, the user's XDG_CONFIG_HOME)."""
    _require_core()
    return str(host_setup.state_path(Path(home), config_home or None))


def key_registrations_file(home: str, config_home: str | None = None) -> str:
    """``ssh_key_home | azrepos.devenv.key_registrations_file``: the core's record of what the
    service last said about each key (registered, until when)."""
    _require_core()
    return str(Path(state_files.config_dir_for(home, config_home or None),
                    state_files.KEY_REGISTRATIONS))


def key_registrations_record(existing: str, results: list) -> str:
    """The record's text once the ``azrepos.devenv.ssh_key`` results (a loop's ``results``)
    are in it; unchanged entries are kept as they were."""
    _require_core()
    learned = [(str(r["org_url"]), str(r["fingerprint"]), bool(r.get("key")),
                (r.get("key") or {}).get("valid_to"))
               for r in results if isinstance(r, dict) and r.get("fingerprint")
               and r.get("org_url") and not r.get("skipped")]
    return registrations.record_text(existing, learned)


def ssh_hosts_record(existing: str, targets: list, identity_file: str = "",
                     state: str = "present", where: str = "ssh-hosts.json") -> str:
    """The record's text once ``targets`` (``ssh_target`` results) use ``identity_file``
    (``state`` present) or are forgotten (absent); '' when no organization is left."""
    _require_core()
    if state not in ("present", "absent"):
        raise AnsibleFilterError(f"ssh_hosts_record: state must be present or absent, not {state!r}")
    if state == "present" and not identity_file:
        raise AnsibleFilterError("ssh_hosts_record: give the private key path (identity_file)")
    wanted = {
        str(t["org"]): (host_setup.SshTarget(str(t["hostname"]),
                                             int(t["port"]) if t.get("port") else None,
                                             str(t["user"]), None,
                                             t.get("host_key_fingerprint") or None),
                        Path(identity_file), t.get("org_url") or None)
        for t in targets
    }
    try:
        if state == "absent":
            return host_setup.record_text(existing or "", remove=list(wanted), where=where)
        return host_setup.record_text(existing or "", add=wanted, where=where)
    except AzreposError as exc:
        raise AnsibleFilterError(str(exc)) from None


def gcm_probe_paths(home: str = "") -> list:
    """``home | azrepos.devenv.gcm_probe_paths``: the files to stat on a target for
    ``gcm_settings`` (container markers, the default systemd target, ``pass``'s marker)."""
    _require_core()
    return environment.probe_paths(home or "")


def gcm_settings(probe: dict, credential_type: str = "", msauth_flow: str = "",
                 credential_store: str = "", cache_options: str = "") -> dict:
    """GCM's settings for the machine ``probe`` describes (``{kernel_release, present,
    default_target, home}``); each non-empty choice wins over the rule."""
    _require_core()
    machine = environment.from_probe(
        kernel_release=str(probe.get("kernel_release") or ""),
        present=[str(p) for p in probe.get("present") or []],
        default_target=str(probe.get("default_target") or ""), home=str(probe.get("home") or ""))
    settings, helper_path = gitconfig.gcm_settings(
        machine, credential_type=credential_type or None, msauth_flow=msauth_flow or None,
        credential_store=credential_store or None, cache_options=cache_options or None)
    return {**settings, "helper_path": helper_path, "machine": machine.kind,
            "reason": environment.gcm_store_for(machine).reason}


def report_entry(host_vars: dict) -> dict:
    """``hostvars[host] | azrepos.devenv.report_entry``: the three things the fleet report
    needs of a host (its name, developer and status result), so nothing else of its variables
    reaches the report module."""
    result = host_vars.get("azrepos_report_status")
    if not isinstance(result, dict):
        result = {"failed": True, "msg": "no status was read (the play did not reach it)"}
    return {"host": str(host_vars.get("inventory_hostname", "")),
            "user": str(host_vars.get("azrepos_user", "")), "result": dict(result)}


class FilterModule:
    def filters(self) -> dict:
        return {
            "organization": organization,
            "gitconfig_org": gitconfig_org,
            "ssh_target": ssh_target,
            "ssh_config_hosts": ssh_config_hosts,
            "known_hosts_line": known_hosts_line,
            "ssh_key_journal": ssh_key_journal,
            "ssh_hosts_file": ssh_hosts_file,
            "ssh_hosts_record": ssh_hosts_record,
            "ssh_key_defaults": ssh_key_defaults,
            "ssh_key_files": ssh_key_files,
            "managed_block_marker": managed_block_marker,
            "report_entry": report_entry,
            "key_registrations_file": key_registrations_file,
            "key_registrations_record": key_registrations_record,
            "gcm_probe_paths": gcm_probe_paths,
            "gcm_settings": gcm_settings,
        }
