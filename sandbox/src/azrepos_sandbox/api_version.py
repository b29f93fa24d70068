"""The ``api-version`` rules Azure DevOps enforces, so clients learn them offline."""

from __future__ import annotations

import re

from azrepos_sandbox.http_types import Request, Response, tf_error

LATEST = (7, 2)
_VERSION = re.compile(r"^(\d+)\.(\d+)(-preview(\.\d+)?)?$")


def requested_version(request: Request) -> str | None:
    if "api-version" in request.query:
        return request.query["api-version"]
    accept = request.headers.get("Accept") or ""
    for part in accept.split(";"):
        name, _, value = part.strip().partition("=")
        if name.lower() == "api-version" and value:
            return value.strip()
    return None


def check_api_version(request: Request, preview_resource: bool) -> Response | None:
    """None if the request's api-version is acceptable, else the 400 Azure DevOps sends."""
    version = requested_version(request)
    if not version:
        return tf_error(
            400,
            f'No api-version was supplied for the "{request.method}" request. The version '
            'must be supplied either as part of the Accept header (e.g. "application/json; '
            "api-version=1.0\") or as a query parameter (e.g. '?api-version=1.0').",
            "VssVersionNotSpecifiedException",
        )
    match = _VERSION.match(version)
    if match is None:
        return tf_error(400, f"The api-version '{version}' is not valid.",
                        "VssInvalidApiVersionException")
    number = (int(match.group(1)), int(match.group(2)))
    if number > LATEST:
        return tf_error(
            400,
            f"The requested REST API version of {number[0]}.{number[1]} is out of range for "
            f"this server. The latest REST API version for this server is "
            f"{LATEST[0]}.{LATEST[1]}.",
            "VssVersionOutOfRangeException",
        )
    if preview_resource and match.group(3) is None:
        return tf_error(
            400,
            f"The requested version '{version}' of the resource is under preview. The "
            f"-preview flag must be supplied in the api-version for such requests. For "
            f"example: '{version}-preview'",
            "VssInvalidPreviewVersionException",
        )
    return None
