# Copyright (c) azrepos maintainers
# MIT License (see LICENSE)
"""Authentication options shared by every azrepos.devenv module."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  org_url:
    description:
      - The organization URL, for example V(https://dev.azure.com/contoso), a legacy
        V(https://contoso.visualstudio.com), or an Azure DevOps Server collection URL.
    type: str
    required: true
  vssps_url:
    description:
      - The identity service URL, where SSH keys live, if it is not the usual one for O(org_url).
      - Defaults to what the azrepos settings resolver finds (E(AZREPOS_VSSPS_URL), then git
        config C(azrepos.vsspsUrl)), else V(https://vssps.dev.azure.com/ORG) for cloud
        organizations and O(org_url) itself for Server.
    type: str
  pat:
    description:
      - A personal access token of the user who owns the keys, with scope C(vso.tokens).
      - Never logged. Mutually exclusive with O(token).
      - Without O(pat) and O(token), the credential comes from the azrepos credential chain on
        the host that runs the module, in the order the CLI uses (E(AZURE_DEVOPS_EXT_PAT),
        E(SYSTEM_ACCESSTOKEN), an C(azrepos login) sign-in, a stored PAT).
    type: str
  token:
    description:
      - "An Entra ID access token of that user, sent as C(Authorization: Bearer). Never logged."
      - Service principals cannot manage a user's SSH keys.
    type: str
  ca_bundle:
    description:
      - A CA bundle to trust for HTTPS (Azure DevOps Server with a private CA, the sandbox).
      - Defaults to E(AZREPOS_CA_BUNDLE), E(REQUESTS_CA_BUNDLE), then git config C(azrepos.caBundle).
    type: path
requirements:
  - "the C(azrepos) Python package, importable by the interpreter that runs the module
    (run it on the controller with C(delegate_to: localhost))"
notes:
  - The module only parses its options and calls the azrepos core; keys are compared by their
    SHA256 fingerprint there, never by display name.
"""
