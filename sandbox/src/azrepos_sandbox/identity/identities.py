"""``GET {vssps}/_apis/identities`` (Identities - Read: reviewers by e-mail) and the IdentityRef
that names a person in pushes and pull requests."""

from __future__ import annotations

from typing import Any

from azrepos_sandbox.api_version import check_api_version
from azrepos_sandbox.http_types import Request, Response, json_response, tf_error
from azrepos_sandbox.identity.connection_data import identity_json
from azrepos_sandbox.identity.pat_auth import Principal, missing_scope
from azrepos_sandbox.store import Org, Store, User

# Microsoft's REST reference lists this scope for Identities - Read.
IDENTITY_SCOPE = "vso.identity"
_BY_MAIL = ("general", "mailaddress", "accountname")


def _text(value: str) -> dict[str, str]:
    return {"$type": "System.String", "$value": value}


def identity_ref(base_url: str, org: Org, user: User) -> dict[str, Any]:
    """An IdentityRef: createdBy, pushedBy, and (with a vote) a reviewer."""
    return {
        "id": user.id,
        "displayName": user.display_name,
        "uniqueName": user.email,
        "descriptor": identity_json(user)["subjectDescriptor"],
        "url": f"{base_url}/{org.name}/_apis/Identities/{user.id}",
        "imageUrl": f"{base_url}/{org.name}/_api/_common/identityImage?id={user.id}",
    }


def _identity(user: User) -> dict[str, Any]:
    data = identity_json(user)
    data["properties"] = {**data["properties"], "Mail": _text(user.email),
                          "SchemaClassName": _text("User")}
    data.update(members=[], memberOf=[], memberIds=[])
    return data


def read_identities(store: Store, principal: Principal, request: Request, url: str
                    ) -> Response:
    """By ``searchFilter`` (General, MailAddress or AccountName, each matched against the
    e-mail here) and ``filterValue``, or by ``identityIds`` (comma-separated). Unknown:
    count 0."""
    version_error = check_api_version(request, preview_resource=False)
    if version_error is not None:
        return version_error
    if not principal.has_scope(IDENTITY_SCOPE):
        return missing_scope(IDENTITY_SCOPE, url)
    ids = [part.strip() for part in request.query.get("identityids", "").split(",")
           if part.strip()]
    search = request.query.get("searchfilter", "").lower()
    value = request.query.get("filtervalue", "")
    if ids:
        found = [user for user in map(store.user_by_id, ids) if user is not None]
    elif search in _BY_MAIL and value:
        found = store.users_by_email(value)
    else:
        return tf_error(400, "Give identityIds, or searchFilter (General, MailAddress or "
                             "AccountName) with filterValue.",
                        "ArgumentException")
    listed = [_identity(user) for user in found]
    return json_response(200, {"count": len(listed), "value": listed})
