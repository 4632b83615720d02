"""Model definitions shared by several implementations of a case."""
