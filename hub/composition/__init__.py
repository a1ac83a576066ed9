"""The composition root: `async with open_hub(settings) as hub:` is where the hub is wired, once."""

from hub.composition.root import Hub, open_hub

__all__ = ["Hub", "open_hub"]
