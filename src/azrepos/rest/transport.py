"""HTTP with timeouts, Retry-After, bounded retries and a total time budget."""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import requests

from ..errors import AmbiguousWrite, AzreposError, RateLimited, ServiceUnavailable
from ..network import TRUST_HINT, choose, proxy_failure

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({500, 502, 503, 504})


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class RetryPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_budget: float = 120.0
    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 8.0


def _retry_after(response: requests.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return 1.0


class Transport:
    """Sends requests; retries what is safe to retry and says when a write is ambiguous."""

    def __init__(
        self,
        session: requests.Session,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.session = session
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self.calls: Counter[str] = Counter()
        self.writes = 0  # requests that may change something (by HTTP method), retries included

    def _pause(self, seconds: float, deadline: float, what: str) -> bool:
        """Sleep unless that would pass the deadline; return False if out of budget."""
        if self._clock() + seconds > deadline:
            return False
        log.debug("%s; retrying in %.1fs", what, seconds)
        self._sleep(seconds)
        return True

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.policy.backoff_cap, self.policy.backoff_base * 2**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - jitter, not crypto

    def _again_or_raise(self, attempt: int, wait: float, deadline: float, problem: str,
                        error: AzreposError) -> None:
        """Wait and return if another attempt fits the policy, else raise ``error``."""
        if attempt >= self.policy.max_attempts or not self._pause(wait, deadline, problem):
            raise error

    def send(
        self, method: str, url: str, *, label: str, idempotent: bool, **kwargs: object
    ) -> requests.Response:
        """Send with retries. A non-idempotent request that may have reached the server
        raises AmbiguousWrite instead of being sent again."""
        policy = self.policy
        deadline = self._clock() + policy.total_budget
        timeout = (policy.connect_timeout, policy.read_timeout)
        attempt = 0
        while True:
            attempt += 1
            self.calls[label] += 1
            self.writes += method.upper() not in READ_METHODS
            log.debug("%s %s (attempt %d)", method, url, attempt)
            try:
                response = self.session.request(method, url, timeout=timeout, **kwargs)
            except requests.exceptions.ProxyError as exc:  # no retry mends a proxy setting
                raise proxy_failure(str(exc), getattr(self.session, "proxy", choose(None))
                                    ) from None
            except requests.ConnectionError as exc:
                sent = not isinstance(exc, requests.ConnectTimeout) and _maybe_sent(exc)
                if sent and not idempotent:
                    raise AmbiguousWrite(
                        f"the connection failed after {label} was sent; it may have been applied"
                    ) from None
                problem = f"cannot reach {_host(url)}: {_reason(exc)}"
                if "CERTIFICATE_VERIFY_FAILED" in str(exc):  # no retry fixes an untrusted CA
                    raise ServiceUnavailable(
                        f"cannot verify the TLS certificate of {_host(url)} "
                        "(CERTIFICATE_VERIFY_FAILED)",
                        hint=TRUST_HINT) from None
                self._again_or_raise(attempt, self._backoff(attempt), deadline, problem,
                                     ServiceUnavailable(problem, hint="check the URL, DNS, proxy "
                                                        "and network, then try again"))
                continue
            except requests.Timeout:
                problem = f"{label} timed out after {policy.read_timeout:g}s"
                if not idempotent:
                    raise AmbiguousWrite(f"{problem}; it may have been applied") from None
                self._again_or_raise(attempt, self._backoff(attempt), deadline, problem,
                                     ServiceUnavailable(problem, hint="try again later"))
                continue
            status = response.status_code
            if status == 429:
                wait = _retry_after(response)
                self._again_or_raise(attempt, wait, deadline, f"rate limited (429) on {label}",
                                     RateLimited(
                    f"Azure DevOps rate-limited {label} and asked to wait {wait:g}s, "
                    "beyond the retry budget", status=429, tf_code="TF400733",
                    hint="wait a few minutes, or spread fleet runs out (Ansible 'serial')"))
                continue
            if status in RETRYABLE_STATUS:
                problem = f"Azure DevOps answered {status} to {label}"
                self._again_or_raise(attempt, self._backoff(attempt), deadline, problem,
                                     ServiceUnavailable(f"{problem} {attempt} times",
                                                        status=status, hint="try again later"))
                continue
            return response


def _host(url: str) -> str:
    return requests.utils.urlparse(url).netloc


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Name or service not known", "Connection refused", "CERTIFICATE_VERIFY_FAILED",
                   "Temporary failure in name resolution", "timed out"):
        if marker in text:
            return marker
    return type(exc).__name__


def _maybe_sent(exc: requests.ConnectionError) -> bool:
    """A reset or a dropped connection after the request went out may have been applied."""
    text = str(exc)
    never_sent = ("Connection refused", "Name or service not known", "CERTIFICATE_VERIFY_FAILED",
                  "Temporary failure in name resolution", "SSLError", "No route to host")
    return not any(marker in text for marker in never_sent) and not isinstance(
        exc, requests.exceptions.SSLError
    )
