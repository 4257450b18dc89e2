"""The `configurator` command line: the typer app with every command registered."""

from configurator.cli import catalog_commands, engine_commands, making_commands, server_commands
from configurator.cli.common import app

__all__ = ["app", "catalog_commands", "engine_commands", "making_commands", "server_commands"]
