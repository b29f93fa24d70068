#!/usr/bin/python
# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Ansible module azrepos.devenv.fleet_report: a thin face over azrepos.status.report."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: fleet_report
short_description: Write the fleet report from every host's azrepos status
version_added: 0.2.0
description:
  - Writes C(fleet-report.json), C(fleet-report.csv) and C(fleet-report.html) into
    O(report_dir) from the results of M(azrepos.devenv.status) on each host. The HTML page is
    self-contained (inline CSS and an inline SVG chart of what expires each week) and lists
    hosts, users and organizations with what expires when and what is broken, the most urgent
    first. A host that could not be reached is listed as unreachable.
  - With O(probe=true) it only checks that O(report_dir) can be written, so a play can fail
    before it contacts any host.
  - "Run it on the controller (C(delegate_to: localhost), C(run_once: true))."
  - Status documents hold no secret, so the report holds none.
author:
  - azrepos maintainers (@azrepos)
attributes:
  check_mode:
    support: full
    description: Says which files would change; writes none.
  diff_mode:
    support: none
    description: The files are regenerated whole; RV(written) names those that changed.
options:
  report_dir:
    description: Where the three files go (made if missing).
    type: path
    required: true
  results:
    description:
      - Per host, C({host, user, result}), where C(result) is what M(azrepos.devenv.status)
        registered there (with C(unreachable) or C(failed) when it did not run).
    type: list
    elements: dict
    default: []
  probe:
    description: Only check that O(report_dir) can be written.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Write the report on the controller
  azrepos.devenv.fleet_report:
    report_dir: /srv/reports/azrepos
    results: "{{ ansible_play_hosts_all | map('extract', hostvars, 'azrepos_report_entry') }}"
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
paths:
  description: The three files.
  returned: always
  type: list
  elements: str
written:
  description: The files that changed (or would, in check mode).
  returned: always
  type: list
  elements: str
hosts:
  description: How many hosts the report lists.
  returned: unless probe
  type: int
unreachable_hosts:
  description: The hosts that could not be reached.
  returned: unless probe
  type: list
  elements: str
problems:
  description: How many rows need care (unreachable, failed or with problems).
  returned: unless probe
  type: int
"""

from pathlib import Path

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.azrepos.devenv.plugins.module_utils.azrepos_core import (
    fleet_report,
    require_core,
    run_reporting,
)

DOCUMENT_KEYS = ("azrepos_version", "git_version", "gcm_version", "organizations", "problems",
                 "pull", "checked_at")


def _host_entry(item):
    result = item.get("result") or {}
    failed = result.get("unreachable") or result.get("failed")
    document = None if failed else {k: v for k, v in result.items() if k in DOCUMENT_KEYS}
    return {"host": item.get("host"), "user": item.get("user"), "status": document,
            "unreachable": bool(result.get("unreachable")),
            "error": result.get("msg") if document is None else None}


def run(module):
    report_dir = Path(module.params["report_dir"])
    if module.params["probe"]:
        fleet_report.check_writable(report_dir)
        return dict(changed=False, paths=[str(report_dir / n) for n in fleet_report.FILES],
                    written=[])
    entries = [_host_entry(item) for item in module.params["results"]]
    return fleet_report.write(report_dir, entries, check_mode=module.check_mode)


def main():
    module = AnsibleModule(
        argument_spec=dict(report_dir=dict(type="path", required=True),
                           results=dict(type="list", elements="dict", default=[]),
                           probe=dict(type="bool", default=False)),
        supports_check_mode=True,
    )
    require_core(module, reason="to write the fleet report")
    module.exit_json(**run_reporting(module, run))


if __name__ == "__main__":
    main()
