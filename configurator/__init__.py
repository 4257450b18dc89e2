"""The application: settings, persistence, JSON API, HTML routes and CLI."""
