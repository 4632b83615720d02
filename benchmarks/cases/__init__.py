"""One module per benchmark case; see benchmarks/README.md for the interface."""
