"""`python -m configurator.cli`: the command line."""

from configurator.cli import app

app()
