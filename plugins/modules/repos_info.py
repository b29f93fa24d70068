#!/usr/bin/python
# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Ansible module azrepos.devenv.repos_info: a thin face over azrepos.onboarding.run."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: repos_info
short_description: List the Git repositories of an Azure DevOps organization or project
version_added: 0.1.0
description:
  - Lists the Git repositories the credential can read, in the whole organization or in one
    project, following the service's paging (continuation tokens) to the end.
  - Disabled repositories are listed with C(isDisabled=true), and left out of RV(enabled), so a
    clone task can loop over RV(enabled) directly.
  - Reads only, so it never reports a change.
  - "Run it where the user's credential is, normally the controller
    (C(delegate_to: localhost))."
author:
  - azrepos maintainers (@azrepos)
extends_documentation_fragment:
  - azrepos.devenv.auth
attributes:
  check_mode:
    support: full
    description: Lists as in a normal run; it writes nothing either way.
  diff_mode:
    support: none
    description: Nothing to show, the module only reads.
options:
  project:
    description:
      - The project (name or id) whose repositories to list; all projects when omitted.
      - An unknown project fails the task.
    type: str
  name_pattern:
    description:
      - A shell-style pattern (V(service-*)) the repository name must match, case-insensitively;
        with a slash (V(Web/*-api)) it is matched against PROJECT/NAME, as C(azrepos clone --match)
        matches.
    type: str
seealso:
  - name: Git Repositories - List
    description: The REST call this module makes (scope C(vso.code)).
    link: https://learn.microsoft.com/rest/api/azure/devops/git/repositories/list
"""

EXAMPLES = r"""
- name: List the repositories of one project
  azrepos.devenv.repos_info:
    org_url: https://dev.azure.com/contoso
    project: Platform
  delegate_to: localhost
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  register: platform

- name: Show what would be cloned
  ansible.builtin.debug:
    msg: "{{ platform.enabled | map(attribute='remoteUrl') | list }}"

- name: Only the service repositories, with the credential from module_defaults
  module_defaults:
    group/azrepos.devenv.rest:
      ca_bundle: /etc/ssl/certs/corp-ca.pem
  block:
    - name: List service-* repositories in the whole organization
      azrepos.devenv.repos_info:
        org_url: https://dev.azure.com/contoso
        name_pattern: "service-*"
      delegate_to: localhost
      vars:
        ansible_python_interpreter: "{{ ansible_playbook_python }}"
"""

RETURN = r"""
repositories:
  description: Every repository listed (disabled ones included), by project then name.
  returned: always
  type: list
  elements: dict
  contains:
    project:
      description: The project's name.
      type: str
    name:
      description: The repository's name.
      type: str
    id:
      description: The repository's id.
      type: str
    remoteUrl:
      description: The HTTPS clone URL.
      type: str
    sshUrl:
      description: The SSH clone URL.
      type: str
    webUrl:
      description: The repository's page.
      type: str
    projectId:
      description: The project's id.
      type: str
    defaultBranch:
      description: The default branch (V(refs/heads/main)); null for a disabled or empty repository.
      type: str
    size:
      description: The repository's size in bytes.
      type: int
    isDisabled:
      description: Whether the repository is disabled (git refuses to clone it).
      type: bool
    isFork:
      description: Whether the repository is a fork.
      type: bool
    parentRepository:
      description: C(project/name) of the repository a fork was made from; null otherwise.
      type: str
enabled:
  description: The repositories of RV(repositories) that are not disabled.
  returned: always
  type: list
  elements: dict
disabled:
  description:
    - C(project/name) of each disabled repository, left out of RV(enabled).
    - Not named C(skipped), which Ansible reserves for a skipped task.
  returned: always
  type: list
  elements: str
count:
  description: How many repositories RV(repositories) holds.
  returned: always
  type: int
  sample: 125
org_url:
  description: The organization URL in the core's canonical form.
  returned: always
  type: str
  sample: https://dev.azure.com/contoso
calls:
  description: How many HTTP requests were made (one per page).
  returned: always
  type: dict
  sample: {"list repositories": 2}
"""

from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import (
    list_repositories,
    make_client,
    repository_json,
    rest_module_main,
)


def run(module):
    params = module.params
    org, client = make_client(module)
    patterns = [params["name_pattern"]] if params["name_pattern"] else []
    repos = list_repositories(client, params["project"], patterns)
    listed = [repository_json(r) for r in repos]
    return dict(
        changed=False,
        repositories=listed,
        enabled=[r for r in listed if not r["isDisabled"]],
        disabled=[f"{r['project']}/{r['name']}" for r in listed if r["isDisabled"]],
        count=len(listed),
        org_url=org.url,
        calls=client.calls,
    )


def main():
    rest_module_main(dict(project=dict(type="str"), name_pattern=dict(type="str")), run)


if __name__ == "__main__":
    main()
