"""soundclone: a self-hosted voice-cloning service."""

__version__ = "0.2.0"
