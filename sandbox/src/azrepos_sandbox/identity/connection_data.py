"""``GET /{org}/_apis/connectionData``: who the credential belongs to, and the org's id."""

from __future__ import annotations

import base64
from typing import Any

from azrepos_sandbox.store import Org, User

# The location service's fixed service-owner GUID on Azure DevOps.
_SERVICE_OWNER = "00025394-6065-48ca-87d9-7f5672854ef7"


_APP_DESCRIPTOR = "Microsoft.VisualStudio.Services.Claims.AadServicePrincipal;"


def identity_json(user: User) -> dict[str, Any]:
    subject = base64.urlsafe_b64encode(user.id.encode()).decode().rstrip("=")
    # Graph subject descriptors: "aad." for users, "aadsp." for service principals.
    kind = "aadsp" if user.descriptor.startswith(_APP_DESCRIPTOR) else "aad"
    return {
        "id": user.id,
        "descriptor": user.descriptor,
        "subjectDescriptor": f"{kind}.{subject}",
        "providerDisplayName": user.display_name,
        "isActive": True,
        "properties": {"Account": {"$type": "System.String", "$value": user.email}},
        "resourceVersion": 2,
        "metaTypeId": 0,
    }


def connection_data(org: Org, user: User, deployment_id: str) -> dict[str, Any]:
    identity = identity_json(user)
    return {
        "authenticatedUser": identity,
        "authorizedUser": identity,
        "instanceId": org.id,
        "deploymentId": deployment_id,
        "deploymentType": "hosted",
        "locationServiceData": {
            "serviceOwner": _SERVICE_OWNER,
            "defaultAccessMappingMoniker": "PublicAccessMapping",
            "lastChangeId": 1,
            "lastChangeId64": 1,
        },
    }
