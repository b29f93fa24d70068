"""The roles render the shared templates exactly as the core does (same bytes)."""

from __future__ import annotations

from pathlib import Path

from azrepos.gitconfig import GitConfigSpec, OrgEntry, render_spec
from azrepos.sshkeys.ssh_config import hosts_for, render_entries

from .conftest import REPO_ROOT


def _render_with_ansible(playbooks, template: str, variables: dict, dest: Path):
    task = {
        "name": "render",
        "ansible.builtin.template": {"src": str(REPO_ROOT / "templates" / template),
                                     "dest": str(dest), "lstrip_blocks": True, "mode": "0644"},
        "vars": variables,
    }
    run = playbooks.run([task], json_output=False)
    assert run.returncode == 0, run.output
    return dest.read_text()


def test_gitconfig_matches_the_core(playbooks, tmp_path):
    spec = GitConfigSpec(
        [OrgEntry("https://dev.azure.com/contoso"),
         OrgEntry("https://tfs.example.com/tfs/Default", ca_file="/etc/ssl/private-ca.pem")],
        helper="gcm", helper_path="/usr/local/bin/git-credential-manager",
        gcm={"credential_type": "pat", "msauth_flow": "devicecode",
             "credential_store": "cache", "cache_options": "--timeout 3600"},
        ssh_rewrites=[{"ssh": "git@ssh.dev.azure.com:v3/contoso/",
                       "https": "https://dev.azure.com/contoso/"}],
    )
    variables = {
        "orgs": [{"url": o.url, "ca_file": o.ca_file} for o in spec.orgs],
        "helper": spec.helper, "helper_path": spec.helper_path, "gcm": spec.gcm,
        "ssh_rewrites": spec.ssh_rewrites,
    }
    rendered = _render_with_ansible(playbooks, "gitconfig.j2", variables, tmp_path / "gitconfig")
    assert rendered == render_spec(spec)


def test_ssh_config_matches_the_core(playbooks, tmp_path):
    hosts = hosts_for({"contoso": Path("/home/dev/.ssh/id_rsa_azrepos"),
                       "fabrikam": Path("/home/dev/.ssh/id_rsa_fab")},
                      hostname="ssh.example.com", port=2222, user="git",
                      known_hosts_file=Path("/home/dev/.ssh/known_hosts"))
    variables = {"hosts": "{{ [{'org': 'contoso', 'hostname': 'ssh.example.com', 'port': 2222, "
                          "'user': 'git', 'identity_file': '/home/dev/.ssh/id_rsa_azrepos'}, "
                          "{'org': 'fabrikam', 'hostname': 'ssh.example.com', 'port': 2222, "
                          "'user': 'git', 'identity_file': '/home/dev/.ssh/id_rsa_fab'}] "
                          "| azrepos.devenv.ssh_config_hosts('/home/dev/.ssh/known_hosts') }}"}
    rendered = _render_with_ansible(playbooks, "ssh_config.j2", variables, tmp_path / "config")
    assert rendered == render_entries(hosts)


def test_the_ssh_hosts_record_matches_the_core(playbooks, tmp_path):
    """What the ssh_key role writes to ~/.config/azrepos/ssh-hosts.json is what
    `azrepos ssh-key add` writes (and `azrepos clone --transport auto` reads)."""
    from azrepos.sshkeys import host_setup
    from azrepos.urls import parse_org_url

    home = tmp_path / "dev"
    key = home / ".ssh" / "id_rsa_azrepos"
    org = parse_org_url("https://tfs.example.com/tfs/Contoso")
    host_setup.configure(home, org, key, host_setup.SshTarget(
        "ssh.example.com", 2222, "git", None, "SHA256:abc"))
    expected = host_setup.state_path(home).read_text(encoding="utf-8")
    entry = {"url": org.url, "ssh_host": "ssh.example.com", "ssh_port": "2222",
             "ssh_user": "git", "host_key_fingerprint": "SHA256:abc"}
    dest = tmp_path / "record.json"
    task = {"name": "record", "ansible.builtin.copy": {
        "dest": str(dest), "mode": "0600",
        "content": "{{ '' | azrepos.devenv.ssh_hosts_record(targets, key) }}"},
        "vars": {"targets": "{{ [entry] | map('azrepos.devenv.ssh_target') | list }}",
                 "entry": entry, "key": str(key)}}
    path_task = {"name": "path", "ansible.builtin.assert": {
        "that": [f"('{home}' | azrepos.devenv.ssh_hosts_file) == "
                 f"'{host_setup.state_path(home)}'"]}}
    forget = {"name": "forget", "ansible.builtin.assert": {"that": [
        "(lookup('ansible.builtin.file', record) | azrepos.devenv.ssh_hosts_record("
        "[entry] | map('azrepos.devenv.ssh_target') | list, state='absent')) == ''"]},
        "vars": {"record": str(dest), "entry": entry}}
    run = playbooks.run([task, path_task, forget], json_output=False)
    assert run.returncode == 0, run.output
    assert dest.read_text(encoding="utf-8") == expected
