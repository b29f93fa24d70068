#!/usr/bin/python
# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Ansible module azrepos.devenv.ssh_key_rotation: a thin face over azrepos.sshkeys.rotation."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: ssh_key_rotation
short_description: The on-disk steps of an SSH key rotation, resumable after a crash
version_added: 0.2.0
description:
  - Runs on the target, where the key pair is, one step of the rotation the azrepos core does
    for C(azrepos ssh-key rotate); the registration and revocation in between are
    M(azrepos.devenv.ssh_key) calls from the controller.
  - O(step=begin) stages the next key pair as C(KEY.next) (a journal C(KEY.rotation) remembers
    the old key), or picks up the rotation an earlier run left unfinished.
    O(step=switch) keeps the old pair as C(KEY.retired-STAMP) and moves C(KEY.next) into place.
    O(step=finish) drops the journal. Each step is idempotent, so a run killed at any point is
    finished by the next one.
  - Needs the azrepos Python package on the target; set C(ansible_python_interpreter) to the
    Python that has it (the credential_manager role installs it in C(/opt/azrepos/venv)).
author:
  - azrepos maintainers (@azrepos)
attributes:
  check_mode:
    support: full
    description: Reports whether a rotation would start or resume; changes no file.
  diff_mode:
    support: none
    description: Key files are moved whole; C(switched) and C(retired_path) say where they went.
options:
  path:
    description: The private key (its C(.pub) beside it).
    type: path
    required: true
  step:
    description: Which step to run.
    type: str
    choices: [begin, switch, finish]
    default: begin
  rotate_after_days:
    description:
      - With O(step=begin), start a rotation only for a key file older than this many days;
        V(0) always starts one. A rotation under way is always resumed.
    type: int
    default: 0
  start:
    description: With O(step=begin), V(false) only resumes a rotation under way, never starts one.
    type: bool
    default: true
  bits:
    description: Size of the new RSA key; not set, the azrepos default (4096, as C(azrepos ssh-key add)).
    type: int
  comment:
    description: Comment of the new public key.
    type: str
"""

EXAMPLES = r"""
- name: Stage the next key, or pick up an interrupted rotation
  azrepos.devenv.ssh_key_rotation:
    path: /home/dev/.ssh/id_rsa_azrepos
    rotate_after_days: 90
  vars:
    ansible_python_interpreter: /opt/azrepos/venv/bin/python
  register: rotation
"""

RETURN = r"""
rotating:
  description: Whether a rotation is under way (started or resumed by this step).
  returned: always
  type: bool
switched:
  description: Whether the key file already holds the new key.
  returned: when rotating
  type: bool
old_public_key:
  description: The public key being replaced (to revoke).
  returned: when rotating
  type: str
new_public_key:
  description: The public key replacing it (to register); null in check mode before it exists.
  returned: when rotating
  type: str
retired_path:
  description: Where the old private key is kept, once switched.
  returned: when rotating
  type: str
"""

from pathlib import Path

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import (
    TARGET_HINT,
    key_files,
    require_core,
    rotation,
    run_reporting,
)


def _report(under_way, changed):
    if under_way is None:
        return dict(changed=changed, rotating=False)
    retired = under_way.retired_path
    return dict(changed=changed, rotating=True, switched=under_way.switched,
                old_public_key=under_way.old.line,
                new_public_key=under_way.new.line if under_way.new else None,
                retired_path=str(retired) if retired else None)


def run(module):
    params = module.params
    path = Path(params["path"])
    if params["step"] == "begin":
        journal = rotation.read_journal(path)
        if journal is None and not (params["start"] and path.exists() and rotation.due(
                path, params["rotate_after_days"])):
            return _report(None, False)
        if module.check_mode:
            return dict(changed=True, rotating=True, switched=False, new_public_key=None,
                        old_public_key=(journal.old if journal else key_files.load(path).public).line)
        with rotation.lock(path):
            under_way = rotation.begin(path, bits=params["bits"] or key_files.DEFAULT_BITS,
                                       comment=params["comment"])
        return _report(under_way, True)
    with rotation.lock(path):
        under_way = rotation.pending(path)
        if under_way is None:
            return _report(None, False)
        if module.check_mode:
            return _report(under_way, True)
        if params["step"] == "switch":
            was_switched = under_way.switched
            rotation.switch(under_way)
            return _report(rotation.pending(path), not was_switched)
        rotation.finish(path)
        return _report(under_way, True)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            step=dict(type="str", default="begin", choices=["begin", "switch", "finish"]),
            rotate_after_days=dict(type="int", default=0),
            start=dict(type="bool", default=True),
            bits=dict(type="int"),
            comment=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    require_core(module, reason="to rotate the key files on the target", where=TARGET_HINT)
    module.exit_json(**run_reporting(module, run))


if __name__ == "__main__":
    main()
