"""How the Rasa server calls the action server, without the work Rasa 3.6 repeats on every call.

Measured with `make bench-profile` (bench/PROFILE.md, issue 16), Rasa 3.6:
- opens a new aiohttp session, so a new TCP connection, for every action call
  (`EndpointConfig.request`); here one session per endpoint and event loop is kept, and its idle
  connections are closed after KEEPALIVE_SECONDS, below the action server's own keep-alive (Sanic:
  5 s), so a connection the server is closing is never reused, nor one to a restarted server;
- checks the action-reply schema against JSON Schema's meta-schema before checking every reply
  (`jsonschema.validate`), a sixth of the Rasa server's CPU per message; here the validator is built
  once and reports the same error (jsonschema's best match) for a bad reply.

`install()` is called when the Kari channel is set up (kari/channels/kari_channel.py), so it applies
to the Rasa server only; `close()` runs when that server stops.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from typing import Any, Dict, Optional, Text

import aiohttp

KEEPALIVE_SECONDS = 2.0
_sessions: Dict[tuple, aiohttp.ClientSession] = {}
_checker: Optional[Any] = None  # the action-reply validator, built on first use


def _session(endpoint: Any) -> aiohttp.ClientSession:
    """The endpoint's session on the running loop (made on first use)."""
    key = (id(endpoint), id(asyncio.get_running_loop()))
    session = _sessions.get(key)
    if session is None or session.closed:
        from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

        auth = endpoint.basic_auth  # as EndpointConfig.session makes it, plus the short keep-alive
        session = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=aiohttp.BasicAuth(auth["username"], auth["password"]) if auth else None,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS),
        )
        _sessions[key] = session
    return session


async def _request(
    self: Any,
    method: Text = "post",
    subpath: Optional[Text] = None,
    content_type: Optional[Text] = "application/json",
    compress: bool = False,
    **kwargs: Any,
) -> Optional[Any]:
    """rasa.utils.endpoints.EndpointConfig.request (Rasa 3.6.21) on a reused session."""
    from rasa.shared.exceptions import FileNotFoundException
    from rasa.utils.endpoints import ClientResponseError, concat_url

    headers = {"Content-Type": content_type} if content_type else {}
    headers.update(kwargs.pop("headers", None) or {})
    headers.update(self.headers or {})
    sslcontext = None
    if self.cafile:
        try:
            sslcontext = ssl.create_default_context(cafile=self.cafile)
        except FileNotFoundError as e:
            raise FileNotFoundException(
                f"Failed to find certificate file, '{os.path.abspath(self.cafile)}' does not exist."
            ) from e
    async with _session(self).request(
        method,
        concat_url(self.url, subpath),
        headers=headers,
        params=self.combine_parameters(kwargs),
        compress=compress,
        ssl=sslcontext,
        **kwargs,
    ) as response:
        if response.status >= 400:
            raise ClientResponseError(response.status, response.reason, await response.content.read())
        try:
            return await response.json()
        except aiohttp.ContentTypeError:
            return None


def _validator() -> Any:
    from jsonschema import validators
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction._validate_action_result with the validator built once."""
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    global _checker
    if _checker is None:
        _checker = _validator()
    error = best_match(_checker.iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action "
        f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Use the reused session and the built-once validator in this (the Rasa server's) process."""
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    EndpointConfig.request = _request  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


async def close() -> None:
    """Close the sessions made on the running loop (the server is stopping)."""
    loop = id(asyncio.get_running_loop())
    for key in [k for k in _sessions if k[1] == loop]:
        await _sessions.pop(key).close()
