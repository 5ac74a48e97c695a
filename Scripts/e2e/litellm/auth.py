"""The proxy's key check, as a deployment with virtual keys answers it: the master key passes,
any other key is refused with LiteLLM's own 401 (`auth_error`). LiteLLM without a database
answers an unknown key with 400 "No connected db", which no real deployment sends."""
import os

from fastapi import Request
from litellm.proxy._types import ProxyErrorTypes, ProxyException, UserAPIKeyAuth


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    if api_key == os.environ["LITELLM_MASTER_KEY"]:
        return UserAPIKeyAuth(api_key=api_key)
    raise ProxyException(
        message="Authentication Error, Invalid proxy server token passed.",
        type=ProxyErrorTypes.auth_error,
        param="api_key",
        code=401,
    )
