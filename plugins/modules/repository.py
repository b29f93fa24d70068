#!/usr/bin/python
# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Ansible module azrepos.devenv.repository: a thin face over azrepos.onboarding.new_repository."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: repository
short_description: Create or delete an Azure Repos Git repository, with a first commit
version_added: 0.2.0
description:
  - With O(state=present), creates the repository in O(project) and pushes one first commit
    holding C(.gitignore) (O(gitignore), a github/gitignore template) and C(LICENSE) (O(license),
    an SPDX licence text) on O(default_branch), so the repository can be cloned at once.
  - Idempotent. A repository of that name whose first commit holds the same files is left alone;
    one that is empty (a create whose push failed) gets its first commit; any other repository
    of that name fails the task, and nothing is changed.
  - With O(state=absent) and O(confirm_delete=true), deletes it; it stays in the project's
    recycle bin for 30 days.
  - Needs the scopes C(vso.code_manage) (create, delete) and C(vso.code_write) (the first
    commit); a 403 names the missing one.
  - "Run it where the user's credential is, normally the controller
    (C(delegate_to: localhost))."
author:
  - azrepos maintainers (@azrepos)
extends_documentation_fragment:
  - azrepos.devenv.auth
attributes:
  check_mode:
    support: full
    description: Reads what exists and reports what would change, writing nothing.
  diff_mode:
    support: full
    description: Shows the repository and the files of its first commit, before and after.
options:
  project:
    description: The project (name) the repository is in.
    type: str
    required: true
  name:
    description: The repository's name.
    type: str
    required: true
  state:
    description: Whether the repository should exist.
    type: str
    choices: [present, absent]
    default: present
  gitignore:
    description:
      - A github/gitignore template name (V(Python), V(Node), V(VisualStudio), ...), matched
        case-insensitively. An unknown name fails the task and lists the close matches.
    type: str
  license:
    description:
      - An SPDX licence id (V(MIT), V(Apache-2.0), ...), matched case-insensitively.
    type: str
  license_holder:
    description: The copyright holder written in C(LICENSE); the organization's name if omitted.
    type: str
  default_branch:
    description: The branch of the first commit, which becomes the default branch.
    type: str
    default: main
  confirm_delete:
    description: Must be V(true) for O(state=absent) to delete anything.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Create the service's repository from the house template
  azrepos.devenv.repository:
    org_url: https://dev.azure.com/contoso
    project: Payments
    name: payments-api
    gitignore: Python
    license: MIT
  delegate_to: localhost

- name: Delete a repository (it goes to the recycle bin)
  azrepos.devenv.repository:
    org_url: https://dev.azure.com/contoso
    project: Payments
    name: payments-api-old
    state: absent
    confirm_delete: true
  delegate_to: localhost
"""

RETURN = r"""
outcome:
  description: What happened (V(created), V(completed) for an empty repository given its first
    commit, V(unchanged), V(deleted), V(absent)).
  returned: always
  type: str
  sample: created
repository:
  description: The repository as Git Repositories - List describes it; null when absent or
    not yet created (check mode).
  returned: always
  type: dict
files:
  description: The files of the first commit.
  returned: always
  type: list
  elements: str
  sample: [.gitignore, LICENSE]
commit:
  description: The id of the first commit when this run pushed it; empty otherwise.
  returned: always
  type: str
org_url:
  description: The organization URL in the core's canonical form.
  returned: always
  type: str
calls:
  description: How many HTTP requests each operation made.
  returned: always
  type: dict
writes:
  description: How many requests could have changed something (0 on an unchanged run).
  returned: always
  type: int
"""

from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import (
    make_client,
    new_repository,
    repository_json,
    rest_module_main,
)


def _state_text(project, name, exists, files):
    if not exists:
        return ""
    return f"{project}/{name}\n" + "".join(f"  {path}\n" for path in files)


def run(module):
    params = module.params
    if params["state"] == "absent" and not params["confirm_delete"]:
        module.fail_json(msg=f"state=absent deletes {params['project']}/{params['name']}: set "
                         "confirm_delete=true to do it")
    org, client = make_client(module)
    if params["state"] == "present":
        files = new_repository.starter(params["name"], gitignore=params["gitignore"],
                                       license_id=params["license"],
                                       holder=params["license_holder"] or org.name)
        change = new_repository.ensure_present(client, params["project"], params["name"], files,
                                               default_branch=params["default_branch"],
                                               check_mode=module.check_mode)
        before = "" if change.action == "created" else _state_text(
            change.project, change.name, True, [] if change.action == "completed" else change.files)
        after = _state_text(change.project, change.name, True, change.files)
    else:
        change = new_repository.ensure_absent(client, params["project"], params["name"],
                                              check_mode=module.check_mode)
        before = _state_text(change.project, change.name, change.changed, ["..."])
        after = ""
    return dict(
        changed=change.changed,
        outcome=change.action,
        repository=repository_json(change.repository) if change.repository else None,
        files=change.files,
        commit=change.commit,
        org_url=org.url,
        calls=client.calls,
        writes=client.writes,
        diff=dict(before=before, after=after),
    )


def main():
    rest_module_main(dict(
        project=dict(type="str", required=True),
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        gitignore=dict(type="str"),
        license=dict(type="str"),
        license_holder=dict(type="str"),
        default_branch=dict(type="str", default="main"),
        confirm_delete=dict(type="bool", default=False),
    ), run)


if __name__ == "__main__":
    main()
