"""Engine defaults that settings.py needs too: a leaf module, so the API process imports no engine code."""

# Style-inversion steps per clone: ~1.6-2 s each on 2 cores (the start probe adds 8). 26 keeps a clone under 90 s
# on the 2026-12-04 benchmark machine from a fresh install; docs/benchmarks.md, "Results: speed".
DEFAULT_ENROLL_STEPS = 26
