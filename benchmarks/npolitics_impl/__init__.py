"""npolitics' side of the benchmark cases, kept apart from the cases themselves.

The harness treats every public module of ``benchmarks/cases/`` as a case, so the npolitics
implementations live here, one module per model, in whatever signature suits the model
(``(workers, ticks, seed)``, ``(sizes, seed)``, ...). Each case module imports them and lists
thin adapters of the case interface ``run(sizes, seed)`` beside the peers, so that every
implementation of a case runs in the same invocation on the same sizes and seeds.
"""
