"""Cheap structural checks that run before FFmpeg parses a file, for metadata whose parsing cost grows
faster than its size.

FFmpeg keeps metadata in dictionaries whose every insert scans the keys before it, so a few megabytes
of distinct keys take minutes to read. Honest files carry a few dozen entries. Where a format states its
metadata plainly (FLV script data, ID3v2 frames, Vorbis and Opus comment counts), the amount is checked
here, before FFmpeg sees the file; everywhere else the decoder's CPU limit, proportional to the file's
size, ends a flood within seconds.
"""

from __future__ import annotations

import mmap
import struct
from collections.abc import Iterator
from itertools import islice

MAX_METADATA_ENTRIES = 1024   # also the cap the decoder checks after opening any file
FLV_SIGNATURE = b"FLV"
FLV_HEADER_BYTES = 9
FLV_PREVIOUS_SIZE_BYTES = 4
FLV_TAG_HEADER_BYTES = 11
FLV_TAG_TYPE_MASK = 0x1F
FLV_SCRIPT_DATA = 18
MAX_FLV_SCRIPT_BYTES = 256 * 1024
# Past this many tags the scan stops (the decoder's CPU limit still holds); 300 s of audio and video
# take some 30,000 tags.
MAX_FLV_TAGS_SCANNED = 500_000
ID3_SIGNATURE = b"ID3"
ID3_HEADER_BYTES = 10
ID3_FOOTER_FLAG = 0x10
ID3_EXTENDED_HEADER_FLAG = 0x40
ID3_FRAME_HEADER_BYTES = 10
ID3V22_FRAME_HEADER_BYTES = 6
OGG_SIGNATURE = b"OggS"
OGG_COMMENT_HEADERS = (b"OpusTags", b"\x03vorbis")
OGG_COMMENT_SEARCH_BYTES = 64 * 1024   # the comment header is the second packet, on the first pages


def metadata_problem(path: str) -> str | None:
    """What is wrong with the file's metadata, in a sentence; None if nothing was found."""
    with open(path, "rb") as file:
        if not file.read(1):
            return None
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return _id3_problem(data) or _format_problem(data)


def _format_problem(data: mmap.mmap) -> str | None:
    if data[:len(FLV_SIGNATURE)] == FLV_SIGNATURE:
        return _flv_problem(data)
    if data[:len(OGG_SIGNATURE)] == OGG_SIGNATURE:
        return _ogg_problem(data)
    return None


def _too_many(what: str) -> str:
    return f"the file carries more than {MAX_METADATA_ENTRIES} {what}; the file is abnormal and is refused"


def _flv_problem(data: mmap.mmap) -> str | None:
    if len(data) < FLV_HEADER_BYTES:
        return None  # FFmpeg refuses it
    offset = int.from_bytes(data[5:9], "big") + FLV_PREVIOUS_SIZE_BYTES
    script_bytes = 0
    for _ in range(MAX_FLV_TAGS_SCANNED):
        if offset + FLV_TAG_HEADER_BYTES > len(data):
            break
        size = int.from_bytes(data[offset + 1:offset + 4], "big")
        if data[offset] & FLV_TAG_TYPE_MASK == FLV_SCRIPT_DATA:
            script_bytes += size
            if script_bytes > MAX_FLV_SCRIPT_BYTES:
                return (f"the file's metadata (FLV script data) is larger than {MAX_FLV_SCRIPT_BYTES // 1024} KB; "
                        "the file is abnormal and is refused")
        offset += FLV_TAG_HEADER_BYTES + size + FLV_PREVIOUS_SIZE_BYTES
    return None


def _id3_problem(data: mmap.mmap) -> str | None:
    """FFmpeg reads the ID3v2 tags at the start of any file, one after another."""
    frames, offset = 0, 0
    while data[offset:offset + len(ID3_SIGNATURE)] == ID3_SIGNATURE and offset + ID3_HEADER_BYTES <= len(data):
        version, flags = data[offset + 3], data[offset + 5]
        end = min(offset + ID3_HEADER_BYTES + _syncsafe(data[offset + 6:offset + 10]), len(data))
        frames += sum(1 for _ in islice(_id3_frames(data, offset + ID3_HEADER_BYTES, end, version, flags),
                                        MAX_METADATA_ENTRIES + 1))
        if frames > MAX_METADATA_ENTRIES:
            return _too_many("ID3 tag frames")
        offset = end + (ID3_HEADER_BYTES if flags & ID3_FOOTER_FLAG else 0)
    return None


def _id3_frames(data: mmap.mmap, offset: int, end: int, version: int, flags: int) -> Iterator[int]:
    """The offsets of one tag's frames, up to its padding or to anything that does not parse."""
    if flags & ID3_EXTENDED_HEADER_FLAG and offset + 4 <= end:
        extended = data[offset:offset + 4]
        offset += _syncsafe(extended) if version >= 4 else int.from_bytes(extended, "big") + 4
    header = ID3V22_FRAME_HEADER_BYTES if version <= 2 else ID3_FRAME_HEADER_BYTES
    while offset + header <= end and data[offset] != 0:
        yield offset
        offset += header + _id3_frame_size(data, offset, version)


def _id3_frame_size(data: mmap.mmap, offset: int, version: int) -> int:
    if version <= 2:
        return int.from_bytes(data[offset + 3:offset + 6], "big")
    raw = data[offset + 4:offset + 8]
    return _syncsafe(raw) if version >= 4 else int.from_bytes(raw, "big")


def _ogg_problem(data: mmap.mmap) -> str | None:
    head = data[:OGG_COMMENT_SEARCH_BYTES]
    for magic in OGG_COMMENT_HEADERS:
        at = head.find(magic)
        if at < 0 or at + len(magic) + 4 > len(head):
            continue
        vendor = struct.unpack_from("<I", head, at + len(magic))[0]
        count_at = at + len(magic) + 4 + vendor
        if count_at + 4 <= len(head):
            count = struct.unpack_from("<I", head, count_at)[0]
            if count > MAX_METADATA_ENTRIES:
                return _too_many("comments (Ogg metadata)")
    return None


def _syncsafe(raw: bytes) -> int:
    return (raw[0] & 0x7F) << 21 | (raw[1] & 0x7F) << 14 | (raw[2] & 0x7F) << 7 | (raw[3] & 0x7F)
