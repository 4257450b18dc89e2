"""The storefront JSON API, version 1."""
