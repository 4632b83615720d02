"""Side-by-side benchmarks of npolitics, the seed code and peer frameworks (not shipped)."""
