"""Engine defaults that settings.py needs too: a leaf module, so the API process imports no engine code."""

# A clone is made in two stages (speech/kokoro/inversion.py, docs/engine.md "Draft and refined voices"):
# a draft the service can speak with within seconds, then the same optimization continued in the background.
# Each style-inversion step costs about 2 s on 2 cores.
DEFAULT_DRAFT_STEPS = 4
DEFAULT_REFINE_STEPS = 100
