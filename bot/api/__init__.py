"""The HTTP API and web app: `create_app(settings=None, engine=None, kb=None)`."""

from bot.api.app import create_app

__all__ = ["create_app"]
