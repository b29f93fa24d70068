#!/usr/bin/python
# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Ansible module azrepos.devenv.status: a thin face over azrepos.status.document."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: status
short_description: The azrepos status of a machine and user, as C(azrepos status --json) gives it
version_added: 0.2.0
description:
  - Runs on the target as the developer (C(become_user)), and returns the same document as
    C(azrepos status --json) there, read from what azrepos and git keep on disk; it makes no
    network call.
  - Reads only, so it never reports a change.
  - Needs the azrepos Python package on the target; set C(ansible_python_interpreter) to the
    Python that has it (the credential_manager role installs it in C(/opt/azrepos/venv)).
author:
  - azrepos maintainers (@azrepos)
attributes:
  check_mode:
    support: full
    description: Reads as in a normal run; it writes nothing either way.
  diff_mode:
    support: none
    description: Nothing to show, the module only reads.
options:
  within_days:
    description:
      - What expires within this many days counts as a problem.
      - Not set, the azrepos default applies (14 days, as C(azrepos status)).
    type: int
seealso:
  - name: playbooks/report.yml
    description: Gathers this from every host into one JSON, CSV and HTML report.
    link: https://github.com/azrepos/azrepos/blob/main/playbooks/report.yml
"""

EXAMPLES = r"""
- name: Read the developer's azrepos status
  azrepos.devenv.status:
  become: true
  become_user: alice
  vars:
    ansible_python_interpreter: /opt/azrepos/venv/bin/python
  register: azrepos_state

- name: Say what needs care
  ansible.builtin.debug:
    msg: "{{ item.org_url }}: {{ item.problems | join(', ') }}"
  loop: "{{ azrepos_state.organizations | selectattr('problems') }}"
"""

RETURN = r"""
azrepos_version:
  description: The azrepos version on the target.
  returned: always
  type: str
git_version:
  description: git's version, or null without git.
  returned: always
  type: str
gcm_version:
  description: Git Credential Manager's version, or null when it is not installed.
  returned: always
  type: str
organizations:
  description:
    - One entry per organization with a credential, an SSH key or git's helper set up here.
    - Each holds C(org_url), C(credential) (C(kind), C(account), C(expires_at), C(days_left)),
      C(ssh_key) (C(path), C(fingerprint), C(registered), C(valid_to), C(days_left); null
      without a key), C(helper) (C(configured), C(name)) and C(problems).
  returned: always
  type: list
  elements: dict
problems:
  description: Problems of the machine rather than of one organization (a damaged state file).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import (
    TARGET_HINT,
    require_core,
    run_reporting,
    status_document,
)


def run(module):
    within = module.params["within_days"]
    kwargs = {} if within is None else {"within_days": within}
    return dict(changed=False, **status_document.build(**kwargs))


def main():
    module = AnsibleModule(argument_spec=dict(within_days=dict(type="int")),
                           supports_check_mode=True)
    if (module.params["within_days"] or 0) < 0:
        module.fail_json(msg=f"within_days must be 0 or more, not {module.params['within_days']}")
    require_core(module, reason="to read the machine's azrepos status", where=TARGET_HINT)
    module.exit_json(**run_reporting(module, run))


if __name__ == "__main__":
    main()
