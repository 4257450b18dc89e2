"""The catalog language: schema, YAML loading, importers and the bundled sample products."""
