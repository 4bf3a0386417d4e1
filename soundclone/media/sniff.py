"""Recognize a container from its first bytes, so the decoder is told which demuxer to use.

FFmpeg's own probing would also pick playlist demuxers (hls, concat, dash) that open other
files and URLs; by naming the demuxer ourselves only the formats listed here can ever run.
"""

from __future__ import annotations

HEADER_BYTES = 64
MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")


def sniff_container(header: bytes) -> str | None:
    """The PyAV demuxer name for a whitelisted format, or None."""
    if header[:4] == b"RIFF" and header[8:12] == b"WAVE":
        return "wav"
    if header[:4] == b"RIFF" and header[8:12] == b"AVI ":
        return "avi"
    if header[:4] == b"OggS":
        return "ogg"
    if header[:3] == b"FLV":
        return "flv"
    if header[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    if header[4:8] in MP4_BOXES:
        return "mov"
    if header[:4] == b"ADIF":
        return "aac"
    if header[:3] == b"ID3":
        return "mp3"
    if len(header) >= 2 and header[0] == 0xFF and header[1] & 0xE0 == 0xE0:
        return "aac" if header[1] & 0x06 == 0 else "mp3"  # layer bits 00 mean ADTS AAC
    return None
