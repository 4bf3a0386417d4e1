"""Measuring speech: ASR, speaker judges and quality scores, for benchmarks and tests (never the API)."""
