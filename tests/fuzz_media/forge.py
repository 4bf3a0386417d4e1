"""Byte-level builders for hostile media: headers written field by field, so any field can lie."""

from __future__ import annotations

import struct
import zlib

import numpy as np

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_IEEE_FLOAT = 0x0003
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
# the GUID tail that KSDATAFORMAT_SUBTYPE_PCM and _IEEE_FLOAT share after their format tag
GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")


# --- WAV (RIFF) ------------------------------------------------------------------------------------

def fmt_chunk(tag: int, channels: int, rate: int, bits: int, *, block_align: int | None = None,
              byte_rate: int | None = None, extension: bytes | None = None) -> bytes:
    block_align = channels * max(bits, 8) // 8 if block_align is None else block_align
    byte_rate = rate * block_align if byte_rate is None else byte_rate
    body = struct.pack("<HHIIHH", tag & 0xFFFF, channels & 0xFFFF, rate & 0xFFFFFFFF, byte_rate & 0xFFFFFFFF,
                       block_align & 0xFFFF, bits & 0xFFFF)
    if extension is not None:
        body += struct.pack("<H", len(extension)) + extension
    return chunk(b"fmt ", body)


def extensible(valid_bits: int, channel_mask: int, subformat_tag: int, guid_tail: bytes = GUID_TAIL) -> bytes:
    return struct.pack("<HIH", valid_bits & 0xFFFF, channel_mask & 0xFFFFFFFF, subformat_tag & 0xFFFF) + guid_tail


def chunk(name: bytes, body: bytes, *, size: int | None = None) -> bytes:
    pad = b"\0" if len(body) % 2 else b""
    return name + struct.pack("<I", (len(body) if size is None else size) & 0xFFFFFFFF) + body + pad


def riff(form: bytes, chunks: list[bytes], *, size: int | None = None) -> bytes:
    body = form + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", (len(body) if size is None else size) & 0xFFFFFFFF) + body


def wav(samples: np.ndarray, rate: int, *, bits: int = 16, tag: int | None = None, data_size: int | None = None,
        extra_chunks: tuple[bytes, ...] = (), **fmt_fields: int) -> bytes:
    """A WAV of `samples` ((n,) or (n, channels) floats), stored as `bits`-bit PCM or float."""
    frames = samples.reshape(len(samples), -1)
    floating = bits in (32, 64) and tag != WAVE_FORMAT_PCM
    data = pcm_bytes(frames, bits, floating)
    tag = (WAVE_FORMAT_IEEE_FLOAT if floating else WAVE_FORMAT_PCM) if tag is None else tag
    fmt = fmt_chunk(tag, frames.shape[1], rate, bits, **fmt_fields)
    return riff(b"WAVE", [fmt, *extra_chunks, chunk(b"data", data, size=data_size)])


def pcm_bytes(frames: np.ndarray, bits: int, floating: bool) -> bytes:
    if floating:
        return frames.astype("<f4" if bits == 32 else "<f8").tobytes()
    if bits == 8:
        return (np.clip(frames, -1, 1) * 127 + 128).astype(np.uint8).tobytes()
    scaled = np.clip(frames, -1, 1) * (2 ** (bits - 1) - 1)
    if bits == 24:
        wide = scaled.astype("<i4").tobytes()
        return b"".join(wide[i:i + 3] for i in range(0, len(wide), 4))
    return scaled.astype({16: "<i2", 32: "<i4"}[bits]).tobytes()


def info_list(entries: list[tuple[bytes, bytes]]) -> bytes:
    """A LIST/INFO chunk (RIFF metadata), e.g. [(b"INAM", b"title")]."""
    return chunk(b"LIST", b"INFO" + b"".join(chunk(key, value + b"\0") for key, value in entries))


# --- FLV ---------------------------------------------------------------------------------------------

FLV_HEADER_END = 13  # 9-byte header + PreviousTagSize0
FLV_SCRIPT = 18


def amf_string(text: str) -> bytes:
    data = text.encode()
    return struct.pack(">H", len(data)) + data


def flv_metadata_tag(keys: int, *, prefix: str = "k", name: str = "onMetaData") -> bytes:
    """A script-data tag whose ECMA array has `keys` distinct number entries."""
    body = b"\x02" + amf_string(name) + b"\x08" + struct.pack(">I", keys)
    body += b"".join(amf_string(f"{prefix}{i}") + b"\x00" + struct.pack(">d", i) for i in range(keys))
    body += b"\x00\x00\x09"
    return flv_tag(FLV_SCRIPT, body)


def flv_tag(kind: int, body: bytes, *, size: int | None = None) -> bytes:
    size = len(body) if size is None else size
    tag = bytes([kind]) + (size & 0xFFFFFF).to_bytes(3, "big") + b"\0\0\0\0" + b"\0\0\0" + body
    return tag + struct.pack(">I", len(tag))


def flv_insert(flv: bytes, tags: bytes) -> bytes:
    return flv[:FLV_HEADER_END] + tags + flv[FLV_HEADER_END:]


# --- ID3v2 ---------------------------------------------------------------------------------------------

def syncsafe(value: int) -> bytes:
    return bytes((value >> shift) & 0x7F for shift in (21, 14, 7, 0))


def id3v2(frames: list[tuple[bytes, bytes]]) -> bytes:
    """An ID3v2.4 tag of (frame id, payload) frames."""
    body = b"".join(name + syncsafe(len(payload)) + b"\0\0" + payload for name, payload in frames)
    return b"ID3\x04\x00\x00" + syncsafe(len(body)) + body


def txxx_flood(count: int) -> bytes:
    return id3v2([(b"TXXX", b"\x03" + f"k{i}".encode() + b"\0v") for i in range(count)])


# --- Ogg -----------------------------------------------------------------------------------------------

def _ogg_crc_table() -> list[int]:
    table = []
    for index in range(256):
        value = index << 24
        for _ in range(8):
            value = ((value << 1) ^ 0x04C11DB7) if value & 0x80000000 else value << 1
        table.append(value & 0xFFFFFFFF)
    return table


OGG_CRC_TABLE = _ogg_crc_table()


def ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ OGG_CRC_TABLE[((crc >> 24) & 0xFF) ^ byte]
    return crc


def ogg_pages(packet: bytes, *, serial: int, sequence: int, granule: int = 0, flags: int = 0) -> bytes:
    """One packet laid out over as many pages as it needs (255 segments of 255 bytes per page)."""
    lacing = [255] * (len(packet) // 255) + [len(packet) % 255]
    pages, offset, first = [], 0, True
    while lacing:
        segments, lacing = lacing[:255], lacing[255:]
        size = sum(segments)
        kind = (0 if first else 1) | (flags if first else 0)
        header = b"OggS\0" + bytes([kind]) + struct.pack("<qII", granule if not lacing else -1, serial, sequence)
        body = bytes(segments) + packet[offset:offset + size]
        page = header + b"\0\0\0\0" + bytes([len(segments)]) + body
        page = page[:22] + struct.pack("<I", ogg_crc(page)) + page[26:]
        pages.append(page)
        offset, sequence, first = offset + size, sequence + 1, False
    return b"".join(pages)


def read_ogg_pages(data: bytes) -> list[tuple[int, bytes, bytes]]:
    """(serial, header bytes, body) of each page of a well-formed Ogg stream."""
    pages, offset = [], 0
    while data.startswith(b"OggS", offset):
        count = data[offset + 26]
        segments = data[offset + 27:offset + 27 + count]
        end = offset + 27 + count + sum(segments)
        pages.append((struct.unpack_from("<I", data, offset + 14)[0], data[offset:offset + 27 + count],
                      data[offset + 27 + count:end]))
        offset = end
    return pages


def reseal_ogg_page(page: bytes) -> bytes:
    """The page with its CRC recomputed (after a field was changed on purpose)."""
    blank = page[:22] + b"\0\0\0\0" + page[26:]
    return page[:22] + struct.pack("<I", ogg_crc(blank)) + page[26:]


def opus_tags(comments: int) -> bytes:
    vendor = b"fuzz"
    body = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", comments)
    return body + b"".join(struct.pack("<I", len(c)) + c for c in (f"K{i}=v".encode() for i in range(comments)))


# --- Matroska (EBML) -----------------------------------------------------------------------------------

def ebml_size(size: int) -> bytes:
    for length in range(1, 9):
        if size < (1 << (7 * length)) - 1:
            return ((1 << (7 * length)) | size).to_bytes(length, "big")
    raise ValueError(f"EBML size {size} too large")


def ebml(element_id: bytes, body: bytes) -> bytes:
    return element_id + ebml_size(len(body)) + body


def mkv_tags(count: int) -> bytes:
    """A Tags element with one Tag of `count` SimpleTags of distinct names."""
    simple = b"".join(ebml(b"\x67\xc8", ebml(b"\x45\xa3", f"K{i}".encode()) + ebml(b"\x44\x87", b"v"))
                      for i in range(count))
    return ebml(b"\x12\x54\xc3\x67", ebml(b"\x73\x73", ebml(b"\x63\xc0", b"") + simple))


def ebml_vint_length(first: int) -> int:
    for length in range(1, 9):
        if first & (0x80 >> (length - 1)):
            return length
    return 0


# --- MP4 -----------------------------------------------------------------------------------------------

def atom(kind: bytes, body: bytes, *, size: int | None = None) -> bytes:
    return struct.pack(">I", (8 + len(body) if size is None else size) & 0xFFFFFFFF) + kind + body


def ilst_flood(count: int) -> bytes:
    """A udta/meta/ilst of `count` freeform ('----') entries with distinct names."""
    def entry(i: int) -> bytes:
        return atom(b"----", atom(b"mean", b"\0\0\0\0com.fuzz") + atom(b"name", b"\0\0\0\0" + f"K{i}".encode())
                    + atom(b"data", struct.pack(">II", 1, 0) + b"v"))
    handler = atom(b"hdlr", b"\0" * 8 + b"mdirappl" + b"\0" * 9)
    return atom(b"udta", atom(b"meta", b"\0\0\0\0" + handler + atom(b"ilst", b"".join(map(entry, range(count))))))


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF
