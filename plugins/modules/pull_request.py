#!/usr/bin/python
# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Ansible module azrepos.devenv.pull_request: a thin face over azrepos.onboarding.pull_requests."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: pull_request
short_description: Open a pull request in Azure Repos, or find the active one
version_added: 0.2.0
description:
  - Opens a pull request from O(source) to O(target) in O(project)/O(repository), with
    reviewers named by e-mail.
  - Idempotent on the repository, the source, the target and the active status; an active pull
    request for the same branches is returned unchanged (its title and reviewers are not edited).
  - Reviewers are resolved (Identities - Read) before anything is created; an unknown e-mail
    fails the task.
  - Needs the scope C(vso.code_write); a 403 names it.
  - "Run it where the user's credential is, normally the controller
    (C(delegate_to: localhost))."
author:
  - azrepos maintainers (@azrepos)
extends_documentation_fragment:
  - azrepos.devenv.auth
attributes:
  check_mode:
    support: full
    description: Looks for the active pull request and reports whether one would be opened.
  diff_mode:
    support: full
    description: Shows the pull request that would be opened.
options:
  project:
    description: The repository's project.
    type: str
    required: true
  repository:
    description: The repository's name.
    type: str
    required: true
  source:
    description: The branch to merge (it must have been pushed).
    type: str
    required: true
  target:
    description: The branch to merge into; the repository's default branch if omitted.
    type: str
  title:
    description: The title.
    type: str
    required: true
  description:
    description: The description (Markdown).
    type: str
    default: ""
  reviewers:
    description: The reviewers' e-mail addresses.
    type: list
    elements: str
    default: []
  draft:
    description: Open it as a draft.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Ask the team lead to review the newcomer's first change
  azrepos.devenv.pull_request:
    org_url: https://dev.azure.com/contoso
    project: Payments
    repository: payments-api
    source: onboarding/alice
    title: Add Alice to CODEOWNERS
    reviewers: [lead@contoso.com]
  delegate_to: localhost
"""

RETURN = r"""
pull_request:
  description: The pull request (null in check mode when it would be opened).
  returned: always
  type: dict
  contains:
    id:
      description: Its number.
      type: int
    url:
      description: Its page.
      type: str
    status:
      description: V(active).
      type: str
    source:
      description: The source branch.
      type: str
    target:
      description: The target branch.
      type: str
    reviewers:
      description: The reviewers.
      type: list
      elements: str
org_url:
  description: The organization URL in the core's canonical form.
  returned: always
  type: str
calls:
  description: How many HTTP requests each operation made.
  returned: always
  type: dict
writes:
  description: How many requests could have changed something (0 when it was already open).
  returned: always
  type: int
"""

from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import (
    git_writes,
    make_client,
    pull_requests,
    rest_module_main,
)


def run(module):
    params = module.params
    org, client = make_client(module)
    repo = git_writes.get_repository(client, params["project"], params["repository"])
    change = pull_requests.ensure_open(
        client, repo, source=params["source"], target=params["target"], title=params["title"],
        description=params["description"], reviewers=tuple(params["reviewers"]),
        draft=params["draft"], check_mode=module.check_mode)
    shown = pull_requests.as_json(change.pull_request) if change.pull_request else None
    target = params["target"] or (repo.default_branch or "").removeprefix("refs/heads/")
    wanted = f"{params['source']} -> {target}: {params['title']}\n"
    return dict(
        changed=change.changed,
        pull_request=shown,
        org_url=org.url,
        calls=client.calls,
        writes=client.writes,
        diff=dict(before="" if change.changed else wanted, after=wanted),
    )


def main():
    rest_module_main(dict(
        project=dict(type="str", required=True),
        repository=dict(type="str", required=True),
        source=dict(type="str", required=True),
        target=dict(type="str"),
        title=dict(type="str", required=True),
        description=dict(type="str", default=""),
        reviewers=dict(type="list", elements="str", default=[]),
        draft=dict(type="bool", default=False),
    ), run)


if __name__ == "__main__":
    main()
