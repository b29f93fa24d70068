"""The Entra stand-in's state survives a restart: keys, apps, and refresh tokens."""

from __future__ import annotations

from pathlib import Path

import msal
from tests.sandbox_fixture import ADO_SCOPE, GCM_CLIENT_ID, device_code_sign_in, start_sandbox


def _port(sandbox) -> int:
    return int(sandbox.org_url.split(":")[2].split("/")[0])


def test_sign_in_survives_restart(tmp_path):
    state = tmp_path / "state"
    first = start_sandbox(state)
    try:
        app = msal.PublicClientApplication(GCM_CLIENT_ID, authority=first.authority,
                                           instance_discovery=False,
                                           http_client=first.http_client())
        signed_in = device_code_sign_in(first, app)
        assert "access_token" in signed_in, signed_in
        certificate = Path(first.info["sp_certificate_file"]).read_text()
    finally:
        assert first.stop() == 0

    # Same port, so the authority MSAL cached stays right.
    second = start_sandbox(state, port=_port(first))
    try:
        for field in ("authority", "sp_client_id", "sp_client_secret", "sp_certificate_file",
                      "managed_identity_client_id", "user_assigned_identity_client_id"):
            assert second.info[field] == first.info[field], field
        assert Path(second.info["sp_certificate_file"]).read_text() == certificate
        assert second.info["identity_header"] != first.info["identity_header"]
        # Same signing key: a token from before the restart is still good.
        assert second.bearer("GET", "/_apis/connectionData",
                             signed_in["access_token"]).status_code == 200
        [account] = app.get_accounts()
        refreshed = app.acquire_token_silent_with_error([ADO_SCOPE], account=account,
                                                        force_refresh=True)
        assert "access_token" in refreshed, refreshed
        db = b"".join(path.read_bytes() for path in state.glob("sandbox.db*"))
        assert signed_in["refresh_token"].encode() not in db
        assert second.info["sp_client_secret"].encode() not in db
    finally:
        assert second.stop() == 0
