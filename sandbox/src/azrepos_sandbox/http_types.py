"""The request and response values passed between the HTTPS server and the route handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol


class HeaderLookup(Protocol):
    """Case-insensitive header access, as ``http.client.HTTPMessage`` provides."""

    def get(self, name: str, default: None = None, /) -> str | None: ...


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # raw path, without the query string
    query: dict[str, str]  # keys lower-cased: Azure DevOps treats them case-insensitively
    raw_query: str
    headers: HeaderLookup
    body: bytes

    @property
    def segments(self) -> list[str]:
        return [part for part in self.path.split("/") if part]

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    # How the request log files this request: "rest", "git" or "admin".
    kind: str = "rest"
    # The injected fault that shaped this answer, e.g. "delay 1.0s before", for the log.
    fault: str | None = None


def json_response(status: int, payload: Any, headers: list[tuple[str, str]] | None = None,
                  ) -> Response:
    body = json.dumps(payload).encode()
    return Response(status, body,
                    [("Content-Type", "application/json; charset=utf-8"), *(headers or [])])


def tf_error(status: int, message: str, type_key: str = "VssServiceException",
             headers: list[tuple[str, str]] | None = None) -> Response:
    """An error body shaped like the ones Azure DevOps returns.

    TF/VS codes in messages are the real ones where known (TF400813, TF400733, TF401019);
    others are sandbox-chosen, so clients must key off the HTTP status, not the code.
    """
    payload = {
        "$id": "1",
        "innerException": None,
        "message": message,
        "typeName": f"Microsoft.VisualStudio.Services.WebApi.{type_key}, "
                    "Microsoft.VisualStudio.Services.WebApi",
        "typeKey": type_key,
        "errorCode": 0,
        "eventId": 3000,
    }
    return json_response(status, payload, headers)
