#!/usr/bin/python
# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Ansible module azrepos.devenv.ssh_key: a thin face over azrepos.sshkeys.sync.KeySync."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ssh_key
short_description: Register, extend or revoke a user's SSH public key in Azure DevOps
version_added: 0.1.0
description:
  - Makes sure an SSH public key is registered (and not about to expire) for the user who owns
    the credential, or that it is revoked.
  - Keys are matched by their SHA256 fingerprint, never by display name, so a second run with
    the same key lists the keys once and writes nothing.
  - Azure DevOps accepts RSA keys only (2048 bits or more); other keys are refused before any
    network call.
  - "Run it where the user's credential is, normally the controller
    (C(delegate_to: localhost)); the key pair itself stays on the target."
author:
  - azrepos maintainers (@azrepos)
extends_documentation_fragment:
  - azrepos.devenv.auth
attributes:
  check_mode:
    support: full
    description: Lists the registered keys and reports what would change; writes nothing.
  diff_mode:
    support: full
    description: Shows the registration of the key before and after.
options:
  public_key:
    description:
      - The public key line, as in a C(.pub) file (V(ssh-rsa AAAA... comment)).
      - Required with O(state=present). With O(state=absent), give it or O(fingerprint).
    type: str
  fingerprint:
    description:
      - The SHA256 fingerprint of the key to revoke (V(SHA256:...)), as C(ssh-keygen -lf) prints it.
      - Only with O(state=absent), instead of O(public_key).
    type: str
  name:
    description:
      - The display name of the key in Azure DevOps, used when the key is added.
      - An existing key keeps its name; keys are never matched by name.
    type: str
    default: azrepos (ansible)
  state:
    description:
      - V(present) registers the key, or extends it when it expires within O(renew_within_days).
      - V(absent) revokes every registration of the key.
    type: str
    choices: [present, absent]
    default: present
  valid_days:
    description:
      - How many days a new or extended key stays valid, from 1 to 3650.
      - Not set, the azrepos default applies (90 days, as C(azrepos ssh-key add)).
    type: int
  renew_within_days:
    description:
      - Extend a registered key that expires sooner than this many days from now (1 to 3650).
      - Not set, the azrepos default applies (14 days, as C(azrepos ssh-key add)).
    type: int
seealso:
  - name: Azure DevOps SSH keys
    description: How Azure Repos uses SSH public keys.
    link: https://learn.microsoft.com/azure/devops/repos/git/use-ssh-keys-to-authenticate
"""

EXAMPLES = r"""
- name: Register the key generated on the target
  azrepos.devenv.ssh_key:
    org_url: https://dev.azure.com/contoso
    public_key: "{{ lookup('ansible.builtin.file', 'files/id_rsa_azrepos.pub') }}"
    name: "azrepos {{ inventory_hostname }}"
  delegate_to: localhost
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"

- name: Revoke a key by fingerprint (PAT from AZURE_DEVOPS_EXT_PAT on the controller)
  azrepos.devenv.ssh_key:
    org_url: https://dev.azure.com/contoso
    fingerprint: SHA256:2p6jX0oS5zHkqmw2qEtnQq9pV6ZbTqzLrqkW8Yb1rYs
    state: absent
  delegate_to: localhost
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"  # the Python that has azrepos

- name: Give every REST module of the collection the same credential and CA
  module_defaults:
    group/azrepos.devenv.rest:
      ca_bundle: /etc/ssl/certs/corp-ca.pem
  block:
    - name: Register the key
      azrepos.devenv.ssh_key:
        org_url: https://dev.azure.com/contoso
        public_key: "{{ lookup('ansible.builtin.file', 'files/id_rsa_azrepos.pub') }}"
      delegate_to: localhost
      vars:
        ansible_python_interpreter: "{{ ansible_playbook_python }}"
"""

RETURN = r"""
outcome:
  description:
    - What was done (the core's action). Named C(outcome) because C(action) is the task's
      own name in callback output.
  returned: always
  type: str
  sample: added
  choices: [added, extended, unchanged, revoked, absent]
fingerprint:
  description: SHA256 fingerprint of the key.
  returned: always
  type: str
  sample: SHA256:2p6jX0oS5zHkqmw2qEtnQq9pV6ZbTqzLrqkW8Yb1rYs
key:
  description: The registration after the run (before it, for a revoked key); null if none.
  returned: always
  type: dict
  contains:
    id:
      description: The authorizationId of the registration.
      type: str
    name:
      description: Its display name.
      type: str
    valid_to:
      description: When it expires (UTC, ISO 8601).
      type: str
    days_left:
      description: Whole days until it expires (negative once it has); null without an end.
      type: int
revoked_ids:
  description: The authorizationIds revoked by this run.
  returned: always
  type: list
  elements: str
org_url:
  description: The organization URL in the core's canonical form.
  returned: always
  type: str
  sample: https://dev.azure.com/contoso
endpoint:
  description:
    - Which endpoint registered or extended the key, C(HierarchyQuery) (the web UI's data
      provider) or C(SessionTokens) (the direct POST); the one that worked is tried first next
      time for this organization. Null when nothing was written.
  returned: always
  type: str
  sample: HierarchyQuery
calls:
  description:
    - How many HTTP requests each REST operation made (C(list SSH keys), C(add SSH key),
      C(update SSH key), C(revoke SSH key), C(connectionData)).
    - An unchanged key costs one list and no write.
  returned: always
  type: dict
  sample: {"list SSH keys": 1}
writes:
  description: How many write requests (add, update, revoke) were sent.
  returned: always
  type: int
  sample: 0
diff:
  description: The registration before and after, when run with C(--diff).
  returned: when diff mode is on
  type: dict
"""


from ansible.module_utils.basic import AnsibleModule
from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import (
    DEFAULT_RENEW_WITHIN_DAYS,
    DEFAULT_VALID_DAYS,
    KeySync,
    auth_argument_spec,
    checked_days,
    days_left,
    format_time,
    make_client,
    parse_public_key,
    registered_with,
    require_azure_compatible,
    require_core,
    run_reporting,
)


def _describe(token):
    if token is None:
        return None
    return {
        "id": token.authorization_id,
        "name": token.display_name,
        "valid_to": format_time(token.valid_to) if token.valid_to else None,
        "days_left": days_left(token),
    }


def _registration_text(fingerprint, tokens):
    if not tokens:
        return f"{fingerprint}: not registered\n"
    lines = []
    for token in tokens:
        valid_to = format_time(token.valid_to) if token.valid_to else "no expiry"
        lines.append(f"{fingerprint}: registered as {token.display_name!r} until {valid_to}\n")
    return "".join(sorted(lines))


def run(module):
    params = module.params
    days = {option: checked_days(params[option] or default, option)  # before any network call
            for option, default in (("valid_days", DEFAULT_VALID_DAYS),
                                    ("renew_within_days", DEFAULT_RENEW_WITHIN_DAYS))}
    org, client = make_client(module)
    sync = KeySync(client, check_mode=module.check_mode)
    key = parse_public_key(params["public_key"]) if params["public_key"] else None
    if params["state"] == "present":
        require_azure_compatible(key)  # refused before any network call
    tokens = client.list_ssh_keys()
    if params["state"] == "present":
        before = registered_with(tokens, key.fingerprint)
        result = sync.present(
            key,
            name=params["name"],
            valid_days=days["valid_days"],
            renew_within_days=days["renew_within_days"],
            tokens=tokens,
        )
        kept = [t for t in before if not result.token or t.authorization_id != result.token.authorization_id]
        after = kept + ([result.token] if result.token else [])
        if result.action == "extended" and module.check_mode:
            after_text = f"{key.fingerprint}: registered, extended by {days['valid_days']} days\n"
        elif result.action == "added" and module.check_mode:
            after_text = f"{key.fingerprint}: registered as {params['name']!r}\n"
        else:
            after_text = _registration_text(key.fingerprint, after)
    else:
        fingerprint = key.fingerprint if key else params["fingerprint"]
        before = registered_with(tokens, fingerprint)
        result = sync.absent(fingerprint, tokens=tokens)
        after_text = _registration_text(fingerprint, [])
    return dict(
        changed=result.changed,
        outcome=result.action,
        fingerprint=result.fingerprint,
        key=_describe(result.token),
        revoked_ids=list(result.revoked),
        endpoint=result.endpoint,
        org_url=org.url,
        calls=client.calls,
        writes=client.writes,
        diff=dict(
            before_header=f"{org.url} SSH keys",
            after_header=f"{org.url} SSH keys",
            before=_registration_text(result.fingerprint, before),
            after=after_text,
        ),
    )


def main():
    argument_spec = auth_argument_spec()
    argument_spec.update(
        public_key=dict(type="str"),
        fingerprint=dict(type="str"),
        name=dict(type="str", default="azrepos (ansible)"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        valid_days=dict(type="int"),
        renew_within_days=dict(type="int"),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        mutually_exclusive=[("pat", "token"), ("public_key", "fingerprint")],
        required_if=[
            ("state", "present", ("public_key",)),
            ("state", "absent", ("public_key", "fingerprint"), True),
        ],
    )
    require_core(module)
    fingerprint = module.params["fingerprint"]
    if fingerprint and not fingerprint.startswith("SHA256:"):
        module.fail_json(msg="fingerprint must be a SHA256 fingerprint (SHA256:...), "
                         "as ssh-keygen -lf prints it")

    result = run_reporting(module, run)
    if not module._diff:
        result.pop("diff")
    module.exit_json(**result)


if __name__ == "__main__":
    main()
