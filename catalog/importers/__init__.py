"""Importers from third-party model formats into catalog YAML."""
