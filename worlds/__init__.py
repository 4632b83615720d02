"""The example worlds of npolitics, each built only from npolitics' public API."""
