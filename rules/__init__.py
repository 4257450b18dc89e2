"""The rules engine: compile, propagate, explain, price and classify. Pure Python, no web, no database."""
