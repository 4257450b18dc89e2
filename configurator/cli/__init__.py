from configurator.cli.commands import app

__all__ = ["app"]
