"""The media fuzz: deterministic hostile files through `decode_audio` and the speech check.

`tests.fuzz_media.cases.generate_cases()` gives the cases as (name, bytes, extension) tuples;
`python -m tests.fuzz_media` (`make fuzz-media`) runs them all and prints a table per family;
`test_fuzz_media.py` runs a few of each family in the normal suite.
"""
