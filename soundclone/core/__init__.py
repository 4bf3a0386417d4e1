"""The core every dialect shares: accepting work (price, debit, record, enqueue), voices, and tasks.

Dialects (`soundclone.api.*`) translate their wire format into `domain.requests` and call these; the worker
(`soundclone.jobs`) uses the same voice resolution. Nothing here knows a wire format.
"""
