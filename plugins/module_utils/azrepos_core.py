# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Imports the azrepos core for the modules of azrepos.devenv, and nothing more.

The modules are faces: every rule (how keys are compared, which URL serves identity calls,
how a setting resolves) lives in the ``azrepos`` Python package. That package must be
importable by the interpreter that runs the module. The modules run on the controller
(``delegate_to: localhost``), which holds the user's PAT, so set
``ansible_python_interpreter: "{{ ansible_playbook_python }}"`` there and install azrepos
beside Ansible: the wheel a collection built by ``scripts/build-dist`` carries
(``WHEEL_IN_COLLECTION``).
"""

from __future__ import annotations

import logging
import sys
import traceback

try:
    from azrepos.auth.chain import resolve_credential
    from azrepos.auth.credentials import BearerCredential, PatCredential
    from azrepos.connection import profile_for
    from azrepos.errors import ApiError, AzreposError
    from azrepos.onboarding import new_repository, pull_requests
    from azrepos.onboarding.run import list_repositories, repository_json
    from azrepos.redaction import ScrubbingFilter, Secret, scrub
    from azrepos.rest import git_writes
    from azrepos.rest.models import format_time
    from azrepos.sshkeys import key_files, rotation
    from azrepos.sshkeys.public_key import parse as parse_public_key
    from azrepos.sshkeys.public_key import require_azure_compatible
    from azrepos.sshkeys.sync import (
        DEFAULT_RENEW_WITHIN_DAYS,
        DEFAULT_VALID_DAYS,
        KeySync,
        checked_days,
        days_left,
        registered_with,
    )
    from azrepos.status import document as status_document
    from azrepos.status import report as fleet_report
    from azrepos.urls import parse_org_url
except ImportError:
    HAS_AZREPOS = False
    AZREPOS_IMPORT_ERROR = traceback.format_exc()
    # Placeholders, so a module can import its names and then say what is missing.
    ApiError = AzreposError = type("AzreposError", (Exception,), {})
    BearerCredential = PatCredential = KeySync = Secret = profile_for = resolve_credential = None
    ScrubbingFilter = format_time = parse_org_url = parse_public_key = None
    registered_with = require_azure_compatible = scrub = checked_days = days_left = None
    DEFAULT_RENEW_WITHIN_DAYS = DEFAULT_VALID_DAYS = key_files = rotation = None
    status_document = fleet_report = None
    list_repositories = repository_json = None
    new_repository = pull_requests = git_writes = None
else:
    HAS_AZREPOS = True
    AZREPOS_IMPORT_ERROR = None

__all__ = [
    "AZREPOS_IMPORT_ERROR",
    "DEFAULT_RENEW_WITHIN_DAYS",
    "DEFAULT_VALID_DAYS",
    "HAS_AZREPOS",
    "TARGET_HINT",
    "ApiError",
    "AzreposError",
    "BearerCredential",
    "KeySync",
    "LogCollector",
    "PatCredential",
    "Secret",
    "auth_argument_spec",
    "checked_days",
    "days_left",
    "fleet_report",
    "format_time",
    "git_writes",
    "key_files",
    "list_repositories",
    "make_client",
    "new_repository",
    "parse_org_url",
    "parse_public_key",
    "pull_requests",
    "registered_with",
    "repository_json",
    "require_azure_compatible",
    "require_core",
    "rest_module_main",
    "rotation",
    "run_reporting",
    "scrub",
    "status_document",
]


# Where a collection built by scripts/build-dist carries the matching azrepos wheel.
WHEEL_IN_COLLECTION = "roles/credential_manager/files/azrepos-*-py3-none-any.whl"


def install_hint(python, collection_dir=None):
    """The pip command that makes azrepos importable by ``python``: the wheel this collection
    carries (its exact path when ``collection_dir`` is known, as on the controller)."""
    wheel = None
    if collection_dir is not None:
        found = sorted(collection_dir.glob(WHEEL_IN_COLLECTION))
        wheel = str(found[-1]) if found else None
    if wheel is None:
        wheel = ("COLLECTION/" + WHEEL_IN_COLLECTION + " (COLLECTION: the azrepos/devenv directory "
                 "`ansible-galaxy collection list azrepos.devenv` shows)")
    return f"{python} -m pip install {wheel}"


CONTROLLER_HINT = ("run the module on the controller with delegate_to: localhost and "
                   "ansible_python_interpreter: '{{ ansible_playbook_python }}'.")
# For the modules that run on the target, where the credential_manager role installs azrepos.
TARGET_HINT = ("point ansible_python_interpreter at the Python that has it (the "
               "credential_manager role installs it in /opt/azrepos/venv).")


def require_core(module, reason="to call the Azure DevOps REST API", where=CONTROLLER_HINT):
    """Fail with a message that says how to fix it when azrepos cannot be imported."""
    if HAS_AZREPOS:
        return
    from ansible.module_utils.basic import missing_required_lib

    module.fail_json(
        msg=missing_required_lib("azrepos", reason=reason)
        + f" It is not importable by {sys.executable}: install it there with "
        f"{install_hint(sys.executable)}, and {where}",
        exception=AZREPOS_IMPORT_ERROR,
    )


def auth_argument_spec():
    """The options of the ``azrepos.devenv.auth`` doc fragment."""
    return dict(
        org_url=dict(type="str", required=True),
        vssps_url=dict(type="str"),
        pat=dict(type="str", no_log=True),
        token=dict(type="str", no_log=True),
        ca_bundle=dict(type="path"),
    )


class LogCollector(logging.Handler):
    """Keeps the core's log records (scrubbed of secrets) to hand back as module warnings."""

    def __init__(self):
        super().__init__(logging.WARNING)
        if ScrubbingFilter is not None:
            self.addFilter(ScrubbingFilter())
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def install(self):
        logger = logging.getLogger("azrepos")
        logger.addHandler(self)
        logger.propagate = False
        return self


def run_reporting(module, run):
    """Runs a module's work and returns its result; a failure (the core's own, or any other)
    fails the module with a scrubbed message, and the core's log warnings become warnings."""
    logs = LogCollector().install()
    try:
        result = run(module)
    except AzreposError as exc:
        module.fail_json(
            msg=scrub(str(exc)),
            status=getattr(exc, "status", None),
            tf_code=getattr(exc, "tf_code", None),
        )
    except Exception as exc:  # report any failure without leaking a secret
        module.fail_json(msg=f"{type(exc).__name__}: {scrub(str(exc))}",
                         exception=scrub(traceback.format_exc()))
    for message in logs.messages:
        module.warn(message)
    return result


def rest_module_main(options, run, **module_kwargs):
    """The whole ``main`` of a module that calls the REST API: the auth options and
    ``options``, check mode, the core required, ``run`` reported (its ``diff`` only with
    --diff)."""
    from ansible.module_utils.basic import AnsibleModule

    argument_spec = auth_argument_spec()
    argument_spec.update(options)
    exclusive = [("pat", "token"), *module_kwargs.pop("mutually_exclusive", [])]
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=exclusive, **module_kwargs)
    require_core(module)
    result = run_reporting(module, run)
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)


def make_client(module):
    """Organization and REST client from the auth options, through the core's connection
    profile and credential chain: CA, timeouts, retry budget and the credential resolve as in
    the CLI (options win). Raises the core's CredentialMissing when nothing gives one."""
    params = module.params
    profile = profile_for(params["org_url"], vssps_url=params.get("vssps_url"),
                          ca_bundle=params.get("ca_bundle"))
    given = None
    if params.get("token"):
        given = BearerCredential.fixed(Secret(params["token"]), "the module's token option")
    elif params.get("pat"):
        given = PatCredential(Secret(params["pat"]), "PAT from the module's pat option")
    credential = resolve_credential(profile, given=given)
    return profile.org, profile.client(credential)
