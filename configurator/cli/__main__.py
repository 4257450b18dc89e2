"""`python -m configurator.cli`: the command line."""

from configurator.cli.commands import app

app()
