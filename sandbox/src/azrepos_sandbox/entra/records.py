"""The stand-in's tables in sandbox.db: app registrations, device codes, refresh tokens.

Device codes and refresh tokens are kept only as SHA-256 hashes, like PATs. Times are epoch
seconds, the unit of JWT claims.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

from azrepos_sandbox.store import Store

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entra_apps (
    client_id TEXT PRIMARY KEY COLLATE NOCASE,
    object_id TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind TEXT NOT NULL,
    display_name TEXT NOT NULL,
    user_id TEXT REFERENCES users(id),
    secret_hash TEXT,
    cert_thumbprint TEXT,
    cert_pem TEXT,
    resource_id TEXT
);
CREATE TABLE IF NOT EXISTS entra_device_codes (
    code_hash TEXT PRIMARY KEY,
    user_code TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    user_id TEXT REFERENCES users(id)
);
CREATE TABLE IF NOT EXISTS entra_refresh_tokens (
    hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS entra_refresh_tokens_user ON entra_refresh_tokens(user_id);
CREATE TABLE IF NOT EXISTS entra_auth_codes (
    code_hash TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    challenge TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    expires_at INTEGER NOT NULL,
    redeemed INTEGER NOT NULL DEFAULT 0
);
"""

PUBLIC = "public"
CONFIDENTIAL = "confidential"
MANAGED_IDENTITY = "managed_identity"

PENDING, APPROVED, DECLINED, REDEEMED = "pending", "approved", "declined", "redeemed"


def token_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class App:
    client_id: str
    object_id: str
    kind: str  # PUBLIC, CONFIDENTIAL or MANAGED_IDENTITY
    display_name: str
    user_id: str | None  # the app's own Azure DevOps identity; None for public clients
    secret_hash: str | None = None
    cert_thumbprint: str | None = None  # SHA-1, lower-case hex
    cert_pem: str | None = None
    resource_id: str | None = None  # a managed identity's Azure resource id


@dataclass(frozen=True)
class DeviceCode:
    code_hash: str
    user_code: str
    client_id: str
    scope: str
    expires_at: int
    state: str
    user_id: str | None


@dataclass(frozen=True)
class AuthCode:
    code_hash: str
    client_id: str
    redirect_uri: str
    challenge: str  # the S256 code challenge
    scope: str
    nonce: str
    user_id: str
    expires_at: int
    redeemed: bool


@dataclass(frozen=True)
class RefreshToken:
    hash: str
    user_id: str
    client_id: str
    scope: str
    issued_at: int
    expires_at: int
    revoked: bool


def _app(row: sqlite3.Row) -> App:
    return App(*tuple(row))


def _device_code(row: sqlite3.Row) -> DeviceCode:
    return DeviceCode(*tuple(row))


class EntraRecords:
    def __init__(self, store: Store) -> None:
        self.store = store
        store.ensure_schema(_SCHEMA)

    # apps -----------------------------------------------------------------
    def put_app(self, app: App) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT OR REPLACE INTO entra_apps VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (app.client_id, app.object_id, app.kind, app.display_name, app.user_id,
                        app.secret_hash, app.cert_thumbprint, app.cert_pem, app.resource_id))

    def app(self, client_id: str) -> App | None:
        row = self.store.fetch_one("SELECT * FROM entra_apps WHERE client_id = ?", (client_id,))
        return None if row is None else _app(row)

    def app_by_object_id(self, object_id: str) -> App | None:
        row = self.store.fetch_one("SELECT * FROM entra_apps WHERE object_id = ?", (object_id,))
        return None if row is None else _app(row)

    def apps(self, kind: str) -> list[App]:
        rows = self.store.fetch_all("SELECT * FROM entra_apps WHERE kind = ? ORDER BY rowid",
                                    (kind,))
        return [_app(row) for row in rows]

    # device codes ---------------------------------------------------------
    def add_device_code(self, code: DeviceCode, now: int) -> None:
        with self.store.transaction() as db:
            # Old codes are useless after a day; drop them so the table stays small.
            db.execute("DELETE FROM entra_device_codes WHERE expires_at < ?", (now - 86400,))
            db.execute("INSERT INTO entra_device_codes VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (code.code_hash, code.user_code, code.client_id, code.scope,
                        code.expires_at, code.state, code.user_id))

    def device_code(self, code_hash: str) -> DeviceCode | None:
        row = self.store.fetch_one("SELECT * FROM entra_device_codes WHERE code_hash = ?",
                                   (code_hash,))
        return None if row is None else _device_code(row)

    def device_code_by_user_code(self, user_code: str) -> DeviceCode | None:
        row = self.store.fetch_one("SELECT * FROM entra_device_codes WHERE user_code = ?",
                                   (user_code.strip().upper(),))
        return None if row is None else _device_code(row)

    def pending_device_codes(self, now: int) -> list[DeviceCode]:
        rows = self.store.fetch_all(
            "SELECT * FROM entra_device_codes WHERE state = ? AND expires_at > ? "
            "ORDER BY rowid", (PENDING, now))
        return [_device_code(row) for row in rows]

    def decide_device_code(self, user_code: str, state: str, user_id: str | None,
                           now: int) -> bool:
        """Move a live pending code to APPROVED or DECLINED; False if it was not pending."""
        with self.store.transaction() as db:
            return db.execute(
                "UPDATE entra_device_codes SET state = ?, user_id = ? "
                "WHERE user_code = ? AND state = ? AND expires_at > ?",
                (state, user_id, user_code.strip().upper(), PENDING, now)).rowcount > 0

    def redeem_device_code(self, code_hash: str) -> bool:
        """APPROVED -> REDEEMED, once: two pollers racing cannot both get tokens."""
        with self.store.transaction() as db:
            return db.execute(
                "UPDATE entra_device_codes SET state = ? WHERE code_hash = ? AND state = ?",
                (REDEEMED, code_hash, APPROVED)).rowcount > 0

    # authorization codes --------------------------------------------------
    def add_auth_code(self, code: AuthCode, now: int) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM entra_auth_codes WHERE expires_at < ?", (now - 86400,))
            db.execute("INSERT INTO entra_auth_codes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (code.code_hash, code.client_id, code.redirect_uri, code.challenge,
                        code.scope, code.nonce, code.user_id, code.expires_at,
                        int(code.redeemed)))

    def auth_code(self, code_hash: str) -> AuthCode | None:
        row = self.store.fetch_one("SELECT * FROM entra_auth_codes WHERE code_hash = ?",
                                   (code_hash,))
        if row is None:
            return None
        return AuthCode(*tuple(row)[:8], bool(row["redeemed"]))  # type: ignore[arg-type]

    def redeem_auth_code(self, code_hash: str) -> bool:
        """Mark the code used, once: a second redemption (or a racing one) gets False."""
        with self.store.transaction() as db:
            return db.execute("UPDATE entra_auth_codes SET redeemed = 1 "
                              "WHERE code_hash = ? AND redeemed = 0", (code_hash,)).rowcount > 0

    # refresh tokens -------------------------------------------------------
    def add_refresh_token(self, token: RefreshToken) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT INTO entra_refresh_tokens VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (token.hash, token.user_id, token.client_id, token.scope,
                        token.issued_at, token.expires_at, int(token.revoked)))

    def refresh_token(self, token_hash_: str) -> RefreshToken | None:
        row = self.store.fetch_one("SELECT * FROM entra_refresh_tokens WHERE hash = ?",
                                   (token_hash_,))
        if row is None:
            return None
        return RefreshToken(row["hash"], row["user_id"], row["client_id"], row["scope"],
                            row["issued_at"], row["expires_at"], bool(row["revoked"]))

    def revoke_refresh_tokens(self, user_id: str) -> int:
        with self.store.transaction() as db:
            return db.execute(
                "UPDATE entra_refresh_tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0",
                (user_id,)).rowcount
