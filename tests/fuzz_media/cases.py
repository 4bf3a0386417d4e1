"""The media fuzz's cases: hostile files in every accepted container, generated deterministically.

`generate_cases()` returns (name, bytes, extension) tuples (`Case`); an HTTP-level fuzz can upload them as
they are. A name is "family/seed/variant"; a variant ending in one of the EXPECT_* marks states what must
happen to it (`expectation(name)`); the others must only fail cleanly, on time.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import NamedTuple

import numpy as np

from tests.fuzz_media import forge
from tests.fuzz_media.seeds import RATE, Recipe, encode, seed_speech, seeds

EXPECT_DECODE = "+decodes"   # must decode
EXPECT_SPEECH = "+speaks"    # must decode, and the speech check must find most of the speech
EXPECT_REFUSAL = "+refused"  # must be refused
DEFAULT_SEED = 20_260_101
MAX_ACCEPTED_CHANNELS = 8


class Case(NamedTuple):
    name: str
    data: bytes
    extension: str


Seeds = dict[str, tuple[bytes, str]]


def generate_cases(seed: int = DEFAULT_SEED, *, families: Iterable[str] | None = None,
                   per_family: int | None = None) -> list[Case]:
    """Every case of the chosen families (all by default), or the first `per_family` of each.

    Each family draws from its own random generator, so a subset of families gives the same cases.
    """
    chosen = list(FAMILIES) if families is None else list(families)
    cases: list[Case] = []
    for family in chosen:
        rng = np.random.default_rng([seed, list(FAMILIES).index(family)])
        cases.extend(islice(FAMILIES[family](rng, seeds()), per_family))
    return cases


def family_of(name: str) -> str:
    return name.split("/", 1)[0]


def expectation(name: str) -> str | None:
    for mark in (EXPECT_DECODE, EXPECT_SPEECH, EXPECT_REFUSAL):
        if name.endswith(mark):
            return mark
    return None


# --- generic mutations, over every seed --------------------------------------------------------------

FLIPS_PER_SEED = 12
HEADER_BYTES = 4096


def byte_flips(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    for index in range(FLIPS_PER_SEED):
        for name, (blob, extension) in seeds.items():
            count = int(rng.choice([1, 2, 4, 8, 16, 64, 256]))
            span = min(len(blob), HEADER_BYTES) if index % 2 == 0 else len(blob)
            data = bytearray(blob)
            for position, bit in zip(rng.integers(0, span, count), rng.integers(0, 8, count), strict=True):
                data[position] ^= 1 << int(bit)
            where = "header" if index % 2 == 0 else "anywhere"
            yield Case(f"byte_flips/{name}/{index}-{count}-bits-{where}", bytes(data), extension)


def truncations(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    for name, (blob, extension) in seeds.items():
        size = len(blob)
        cuts = {int(rng.integers(1, 64)), int(rng.integers(64, 1024)), size // 4, size // 2,
                size - int(rng.integers(1, 64)), int(rng.integers(1, size)), int(rng.integers(1, size))}
        for cut in sorted(cuts):
            yield Case(f"truncations/{name}/at-{cut}-of-{size}", blob[:cut], extension)


def splices(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    names = list(seeds)
    for name, (blob, extension) in seeds.items():
        other = seeds[names[int(rng.integers(len(names)))]][0]
        a, b = sorted(int(v) for v in rng.integers(0, len(blob), 2))
        where = int(rng.integers(0, len(blob)))
        noise = rng.bytes(int(rng.integers(1, 4096)))
        yield Case(f"splices/{name}/head-of-other", other[: len(other) // 2] + blob[len(blob) // 2:], extension)
        yield Case(f"splices/{name}/tail-of-other", blob[: len(blob) // 2] + other[len(other) // 2:], extension)
        yield Case(f"splices/{name}/region-repeated", blob[:b] + blob[a:b] * 3 + blob[b:], extension)
        yield Case(f"splices/{name}/region-removed", blob[:a] + blob[b:], extension)
        yield Case(f"splices/{name}/noise-inserted", blob[:where] + noise + blob[where:], extension)
        yield Case(f"splices/{name}/twice", blob + blob, extension)


# --- lying headers: size and shape fields set to absurd values ----------------------------------------

ABSURD_32 = (0, 1, 3, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFF)
RIFF_CHUNKS = (b"RIFF", b"LIST", b"data", b"fmt ", b"avih", b"strh", b"strf", b"movi", b"idx1", b"01wb", b"00dc")
MP4_ATOMS = (b"moov", b"trak", b"mdia", b"minf", b"stbl", b"stsd", b"stts", b"stsc", b"stsz", b"stco", b"mdhd",
             b"mvhd", b"tkhd", b"mdat", b"esds", b"mp4a", b"alac", b"sowt", b"hdlr")
EBML_IDS = (b"\x18\x53\x80\x67", b"\x1f\x43\xb6\x75", b"\x16\x54\xae\x6b", b"\x15\x49\xa9\x66", b"\x1c\x53\xbb\x6b",
            b"\xe1", b"\xb5", b"\x9f", b"\x63\xa2", b"\xa3", b"\x44\x89", b"\x2a\xd7\xb1")


def lying_headers(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    yield from _lying_wavs()
    for name, (blob, extension) in seeds.items():
        if extension in ("wav", "avi"):
            yield from _lying_fields(rng, name, blob, extension, _riff_size_fields(blob))
        elif extension in ("m4a", "mp4", "mov"):
            yield from _lying_fields(rng, name, blob, extension, _mp4_size_fields(blob))
        elif extension == "mkv":
            yield from _lying_ebml(rng, name, blob)
        elif extension == "ogg":
            yield from _lying_ogg(rng, name, blob)
        elif extension == "flv":
            yield from _lying_flv(rng, name, blob)
        elif extension in ("aac", "mp3"):
            yield from _lying_frames(rng, name, blob, extension)


def _lying_wavs() -> Iterator[Case]:
    samples = seed_speech()
    ext = forge.extensible
    variants: dict[str, bytes] = {
        "channels-0": _wav_fields(samples, channels=0),
        "bits-0": _wav_fields(samples, bits=0), "bits-1": _wav_fields(samples, bits=1),
        "bits-7": _wav_fields(samples, bits=7), "bits-12": _wav_fields(samples, bits=12),
        "bits-33": _wav_fields(samples, bits=33), "bits-255": _wav_fields(samples, bits=255),
        "bits-65535": _wav_fields(samples, bits=65535), "rate-0": _wav_fields(samples, rate=0),
        "rate-1": _wav_fields(samples, rate=1), "rate-7999": _wav_fields(samples, rate=7_999),
        "rate-4g": _wav_fields(samples, rate=0xFFFFFFFF), "rate-384k": _wav_fields(samples, rate=384_000),
        "block-align-0": _wav_fields(samples, block_align=0), "block-align-3": _wav_fields(samples, block_align=3),
        "block-align-65535": _wav_fields(samples, block_align=65535),
        "byte-rate-0": _wav_fields(samples, byte_rate=0), "byte-rate-4g": _wav_fields(samples, byte_rate=0xFFFFFFFF),
        "data-size-0": forge.wav(samples, RATE, data_size=0), "data-size-1": forge.wav(samples, RATE, data_size=1),
        "data-size-odd": forge.wav(samples, RATE, data_size=2 * len(samples) - 1),
        "data-size-4g": forge.wav(samples, RATE, data_size=0xFFFFFFFF),
        "data-size-2g": forge.wav(samples, RATE, data_size=0x7FFFFFFF),
        "data-size-100x": forge.wav(samples, RATE, data_size=200 * len(samples)),
        "riff-size-0": _resized_riff(forge.wav(samples, RATE), 0),
        "riff-size-4": _resized_riff(forge.wav(samples, RATE), 4),
        "riff-size-4g": _resized_riff(forge.wav(samples, RATE), 0xFFFFFFFF),
        "fmt-size-0": _wav_raw(forge.chunk(b"fmt ", b"", size=0), samples),
        "fmt-size-2": _wav_raw(forge.chunk(b"fmt ", b"\x01\x00"), samples),
        "fmt-size-4g": _wav_raw(forge.chunk(b"fmt ", forge.fmt_chunk(1, 1, RATE, 16)[8:], size=0xFFFFFFFF), samples),
        "no-fmt": _wav_raw(b"", samples),
        "two-fmt": _wav_raw(forge.fmt_chunk(1, 1, RATE, 16) + forge.fmt_chunk(1, 8, 8000, 8), samples),
        "ext-valid-bits-0": _wav_ext(samples, ext(0, 0x4, 1)),
        "ext-valid-bits-33": _wav_ext(samples, ext(33, 0x4, 1)),
        "ext-mask-0": _wav_ext(samples, ext(16, 0, 1)),
        "ext-mask-all": _wav_ext(samples, ext(16, 0xFFFFFFFF, 1)),
        "ext-mask-9-channels": _wav_ext(samples, ext(16, 0x1FF, 1)),
        "ext-subformat-unknown": _wav_ext(samples, ext(16, 0x4, 0x1234)),
        "ext-subformat-float-16-bits": _wav_ext(samples, ext(16, 0x4, 3)),
        "ext-guid-garbage": _wav_ext(samples, ext(16, 0x4, 1, b"\xff" * 14)),
        "ext-cb-size-huge": _wav_raw(forge.fmt_chunk(0xFFFE, 1, RATE, 16), samples, cb_size=0xFFFF),
        "ext-truncated": _wav_raw(forge.chunk(b"fmt ", forge.fmt_chunk(0xFFFE, 1, RATE, 16)[8:] + b"\x16\x00\x10"),
                                  samples),
    }
    for variant, data in variants.items():
        yield Case(f"lying_headers/wav-forged/{variant}", data, "wav")


def _wav_fields(samples: np.ndarray, *, channels: int = 1, rate: int = RATE, bits: int = 16,
                block_align: int | None = None, byte_rate: int | None = None) -> bytes:
    """16-bit mono samples under a PCM format chunk whose fields say whatever they are told to."""
    fmt = forge.fmt_chunk(1, channels, rate, bits, block_align=block_align, byte_rate=byte_rate)
    return _wav_raw(fmt, samples)


def _wav_ext(samples: np.ndarray, extension: bytes) -> bytes:
    return _wav_raw(forge.fmt_chunk(0xFFFE, 1, RATE, 16, extension=extension), samples)


def _wav_raw(fmt: bytes, samples: np.ndarray, *, cb_size: int | None = None) -> bytes:
    if cb_size is not None:
        fmt = forge.chunk(b"fmt ", fmt[8:] + struct.pack("<H", cb_size) + b"\0" * 22)
    return forge.riff(b"WAVE", [fmt, forge.chunk(b"data", forge.pcm_bytes(samples[:, None], 16, False))])


def _resized_riff(data: bytes, size: int) -> bytes:
    return data[:4] + struct.pack("<I", size) + data[8:]


def _riff_size_fields(blob: bytes) -> list[tuple[int, str]]:
    return sorted({(offset + 4, "<I") for name in RIFF_CHUNKS for offset in _all(blob, name)[:2]})


def _mp4_size_fields(blob: bytes) -> list[tuple[int, str]]:
    fields = set()
    for name in MP4_ATOMS:
        for offset in _all(blob, name)[:1]:
            if offset >= 4:
                fields |= {(offset - 4, ">I"), (offset + 12, ">I")}  # the atom's size; its first field
    return sorted(fields)


def _lying_fields(rng: np.random.Generator, name: str, blob: bytes, extension: str,
                  fields: list[tuple[int, str]]) -> Iterator[Case]:
    for offset, layout in fields:
        if offset + 4 > len(blob):
            continue
        value = int(rng.choice(ABSURD_32))
        data = blob[:offset] + struct.pack(layout, value) + blob[offset + 4:]
        yield Case(f"lying_headers/{name}/field-at-{offset}-{value:#x}", data, extension)


def _lying_ebml(rng: np.random.Generator, name: str, blob: bytes) -> Iterator[Case]:
    for element in EBML_IDS:
        for offset in _all(blob, element)[:1]:
            at = offset + len(element)
            length = forge.ebml_vint_length(blob[at]) if at < len(blob) else 0
            if not length:
                continue
            lies = [("unknown", (1 << (7 * length)) - 1), ("huge", (1 << (7 * length)) - 2), ("zero", 0),
                    ("random", int(rng.integers(0, (1 << min(7 * length, 62)) - 2)))]
            for index in rng.choice(len(lies), 2, replace=False):
                label, value = lies[int(index)]
                size = ((1 << (7 * length)) | value).to_bytes(length, "big")
                data = blob[:at] + size + blob[at + length:]
                yield Case(f"lying_headers/{name}/ebml-{element.hex()}-at-{offset}-{label}", data, "mkv")


def _lying_ogg(rng: np.random.Generator, name: str, blob: bytes) -> Iterator[Case]:
    pages = forge.read_ogg_pages(blob)
    first = pages[0][1] + pages[0][2]
    rest = blob[len(first):]
    head = bytearray(first)
    body_at = len(pages[0][1])
    # OpusHead: channels at +9, pre-skip +10, rate +12, mapping family +18; Vorbis: channels +11, rate +12
    channels_at = body_at + (9 if b"OpusHead" in first else 11)
    lies = {
        "channels-0": (channels_at, b"\x00"),
        "channels-255": (channels_at, b"\xff"),
        "rate-0": (body_at + 12, b"\0\0\0\0"),
        "rate-huge": (body_at + 12, b"\xff\xff\xff\x7f"),
        "family-255": (body_at + 18, b"\xff"),
        "pre-skip-max": (body_at + 10, b"\xff\xff"),
    }
    for label, (offset, value) in lies.items():
        page = bytearray(head)
        page[offset:offset + len(value)] = value
        yield Case(f"lying_headers/{name}/{label}", forge.reseal_ogg_page(bytes(page)) + rest, "ogg")
    for index in range(4):
        page = bytearray(head)
        page[6:14] = struct.pack("<q", int(rng.integers(-(2**62), 2**62)))  # granule position
        page[18:22] = struct.pack("<I", int(rng.integers(0, 2**32)))        # sequence number
        yield Case(f"lying_headers/{name}/page-fields-{index}", forge.reseal_ogg_page(bytes(page)) + rest, "ogg")
    last = blob.rfind(b"OggS")
    tail = bytearray(blob[last:])
    tail[6:14] = struct.pack("<q", 2**62)  # the last granule sets the duration
    yield Case(f"lying_headers/{name}/duration-huge", blob[:last] + forge.reseal_ogg_page(bytes(tail)), "ogg")


def _lying_flv(rng: np.random.Generator, name: str, blob: bytes) -> Iterator[Case]:
    yield Case(f"lying_headers/{name}/data-offset-huge", blob[:5] + struct.pack(">I", 0xFFFFFFF0) + blob[9:], "flv")
    yield Case(f"lying_headers/{name}/data-offset-0", blob[:5] + struct.pack(">I", 0) + blob[9:], "flv")
    offsets = _flv_tags(blob)
    for index in range(8):
        at = offsets[int(rng.integers(len(offsets)))]
        data = bytearray(blob)
        data[at + 1:at + 4] = int(rng.choice([0, 1, 0xFFFFFF, int(rng.integers(0, 0xFFFFFF))])).to_bytes(3, "big")
        yield Case(f"lying_headers/{name}/tag-size-{index}", bytes(data), "flv")
    audio = [at for at in offsets if blob[at] == 8]
    for flags in (0x00, 0x0F, 0xAC, 0xAF, 0x2F, 0x20):
        data = bytearray(blob)
        for at in audio:
            data[at + 11] = flags  # SoundFormat, rate, size and type, in one byte
        yield Case(f"lying_headers/{name}/audio-flags-{flags:#04x}", bytes(data), "flv")


def _lying_frames(rng: np.random.Generator, name: str, blob: bytes, extension: str) -> Iterator[Case]:
    """Frame headers (ADTS or MPEG audio): bit fields of the first frames set to reserved or absurd values."""
    syncs = [i for i in range(len(blob) - 1) if blob[i] == 0xFF and blob[i + 1] & 0xE0 == 0xE0][:50]
    for index in range(12):
        data = bytearray(blob)
        for at in syncs[: int(rng.integers(1, len(syncs) + 1))]:
            field = int(rng.integers(2, 7))
            if at + field < len(data):
                data[at + field] = int(rng.integers(0, 256))
        yield Case(f"lying_headers/{name}/frame-fields-{index}", bytes(data), extension)


def _flv_tags(blob: bytes) -> list[int]:
    offsets, at = [], forge.FLV_HEADER_END
    while at + 11 <= len(blob):
        offsets.append(at)
        at += 11 + int.from_bytes(blob[at + 1:at + 4], "big") + 4
    return offsets


# --- unknown codecs --------------------------------------------------------------------------------------

WAVE_TAGS = (0x0000, 0x0002, 0x0006, 0x0007, 0x0011, 0x0022, 0x0031, 0x0040, 0x0050, 0x0055, 0x0069, 0x0092,
             0x0161, 0x0162, 0x0270, 0x1610, 0x2000, 0x2001, 0x674F, 0x6750, 0x706D, 0xA106, 0xF1AC, 0x1234, 0xFFFF)
MKV_CODEC_IDS = (b"A_UNKNOWN", b"A_AC3", b"A_DTS", b"A_VORBIS", b"A_AAC", b"A_TTA1", b"A_MS/ACM", b"V_VP8",
                 b"A_REAL/28", b"A_ALAC", b"S_VOBSUB", b"A_EAC3")
MP4_SAMPLE_ENTRIES = (b"samr", b"sawb", b"alac", b"sowt", b"twos", b"ima4", b"ulaw", b"Opus", b"fLaC", b"ac-3",
                      b"ec-3", b".mp3", b"zzzz", b"\0\0\0\0", b"lpcm", b"fl32", b"QDM2", b"MAC3")


def unknown_codecs(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    samples = seed_speech()
    for tag in WAVE_TAGS:
        yield Case(f"unknown_codecs/wav-forged/tag-{tag:#06x}", forge.wav(samples, RATE, tag=tag), "wav")
        yield Case(f"unknown_codecs/wav-forged/extensible-{tag:#06x}",
                   _wav_ext(samples, forge.extensible(16, 0x4, tag)), "wav")
    for name, (blob, extension) in seeds.items():
        if extension == "mkv":
            yield from _swapped(name, blob, extension, _mkv_codec_at(blob), MKV_CODEC_IDS + (rng.bytes(6),))
        elif extension in ("m4a", "mp4", "mov"):
            yield from _swapped(name, blob, extension, _first_of(blob, (b"mp4a", b"alac", b"sowt")),
                                MP4_SAMPLE_ENTRIES)
        elif extension == "avi":
            at = blob.find(b"strf", blob.find(b"auds")) + 8
            tags = [struct.pack("<H", tag) for tag in WAVE_TAGS[::2]]
            yield from _swapped(name, blob, extension, (at, 2), tags)
        elif extension == "flv":
            yield from _flv_sound_formats(name, blob)
        elif extension == "ogg":
            yield from _ogg_magics(name, blob)


OGG_MAGICS = (b"OpusHeaX", b"Speex   ", b"\x01vorbis", b"\x7fFLAC\x01\x00", b"CELT    ", b"\x80theora")


def _ogg_magics(name: str, blob: bytes) -> Iterator[Case]:
    """The first page's codec signature replaced (its checksum recomputed, so the lie is read)."""
    _, header, body = forge.read_ogg_pages(blob)[0]
    first = header + body
    at = len(header)
    for magic in OGG_MAGICS:
        page = bytearray(first)
        page[at:at + 8] = magic
        label = magic.strip(b" \x00\x01\x7f\x80").decode("latin-1")
        yield Case(f"unknown_codecs/{name}/magic-{label}", forge.reseal_ogg_page(bytes(page)) + blob[len(first):], "ogg")


def _swapped(name: str, blob: bytes, extension: str, where: tuple[int, int] | None,
             replacements: Iterable[bytes]) -> Iterator[Case]:
    if where is None:
        return
    at, length = where
    for replacement in replacements:
        value = replacement[:length].ljust(length, b"\0")
        label = value.rstrip(b"\0").decode("latin-1").replace("/", "-") or "empty"
        yield Case(f"unknown_codecs/{name}/{label!s:.16}", blob[:at] + value + blob[at + length:], extension)


def _mkv_codec_at(blob: bytes) -> tuple[int, int] | None:
    for codec in (b"A_MPEG/L3", b"A_FLAC", b"A_OPUS"):
        if codec in blob:
            return blob.find(codec), len(codec)
    return None


def _first_of(blob: bytes, names: tuple[bytes, ...]) -> tuple[int, int] | None:
    found = [blob.find(name) for name in names if name in blob]
    return (min(found), 4) if found else None


def _flv_sound_formats(name: str, blob: bytes) -> Iterator[Case]:
    audio = [at for at in _flv_tags(blob) if blob[at] == 8]
    for sound_format in range(16):
        data = bytearray(blob)
        for at in audio:
            data[at + 11] = (sound_format << 4) | (data[at + 11] & 0x0F)
        yield Case(f"unknown_codecs/{name}/sound-format-{sound_format}", bytes(data), "flv")


# --- non-finite and absurd sample values -------------------------------------------------------------------

BAD_VALUES = {"inf": np.inf, "minus-inf": -np.inf, "nan": np.nan, "huge": 1e30, "max-float": 3.4e38,
              "denormal": 1e-40, "smallest-denormal": 1.4e-45, "twelve": 12.0}
PCM_FLOAT_RECIPES = {"mkv": Recipe("mkv", "matroska", "pcm_f32le"), "mov": Recipe("mov", "mov", "pcm_f32le"),
                     "avi": Recipe("avi", "avi", "pcm_f32le")}


def non_finite(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    clean = seed_speech()
    for label, value in BAD_VALUES.items():
        for where in ("start", "middle", "end", "sparse"):
            samples = _spoiled(clean, value, where, rng)
            yield Case(f"non_finite/wav-f32/{label}-{where}{EXPECT_REFUSAL}", forge.wav(samples, RATE, bits=32), "wav")
        stereo = np.stack([clean, _spoiled(clean, value, "middle", rng)], axis=1)
        yield Case(f"non_finite/wav-f32-stereo/{label}{EXPECT_REFUSAL}", forge.wav(stereo, RATE, bits=32), "wav")
        for container, recipe in PCM_FLOAT_RECIPES.items():
            data = encode(_spoiled(clean, value, "middle", rng), recipe)
            yield Case(f"non_finite/{container}-f32/{label}{EXPECT_REFUSAL}", data, recipe.extension)
    for label, value in {"inf": np.inf, "nan": np.nan, "huge": 1e300, "f64-denormal": 1e-310}.items():
        samples = clean.astype(np.float64)
        samples[len(samples) // 2] = value
        yield Case(f"non_finite/wav-f64/{label}{EXPECT_REFUSAL}", forge.wav(samples, RATE, bits=64), "wav")
    for peak in (1.5, 4.0, 9.0):
        loud = clean / np.abs(clean).max() * peak
        yield Case(f"non_finite/wav-f32/over-full-scale-{peak:g}{EXPECT_DECODE}", forge.wav(loud, RATE, bits=32),
                   "wav")
    for container, recipe in PCM_FLOAT_RECIPES.items():
        yield Case(f"non_finite/{container}-f32/clean{EXPECT_SPEECH}", encode(clean, recipe), recipe.extension)


def _spoiled(clean: np.ndarray, value: float, where: str, rng: np.random.Generator) -> np.ndarray:
    samples = clean.astype(np.float32).copy()
    if where == "sparse":
        samples[rng.integers(0, len(samples), 16)] = value
    else:
        at = {"start": 0, "middle": len(samples) // 2, "end": len(samples) - 8}[where]
        samples[at:at + 8] = value
    return samples


# --- many channels -------------------------------------------------------------------------------------------

MULTICHANNEL_RECIPES = {"mkv-flac": Recipe("mkv", "matroska", "flac"), "mkv-pcm": Recipe("mkv", "matroska", "pcm_s16le"),
                        "m4a-aac": Recipe("m4a", "ipod", "aac"), "ogg-opus": Recipe("ogg", "ogg", "libopus", 48_000),
                        "m4a-alac": Recipe("m4a", "ipod", "alac")}
TOO_MANY_CHANNELS = (9, 10, 16, 24, 32, 64, 255, 256, 1024, 65535)


def many_channels(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    clean = seed_speech()
    for channels in range(1, MAX_ACCEPTED_CHANNELS + 1):
        for layout in ("all", "one", "opposite"):
            frames = _spread(clean, channels, layout, rng)
            yield Case(f"many_channels/wav-s16/{channels}ch-{layout}{EXPECT_SPEECH}", forge.wav(frames, RATE), "wav")
        for name, recipe in MULTICHANNEL_RECIPES.items():
            if name == "m4a-alac" and channels in (4, 7, 8):  # FFmpeg's ALAC encoder has no such layout
                continue
            frames = _spread(clean, channels, "one", rng)
            yield Case(f"many_channels/{name}/{channels}ch-one{EXPECT_SPEECH}", encode(frames, recipe),
                       recipe.extension)
    for channels in TOO_MANY_CHANNELS:
        frames = np.repeat(clean[: RATE // 4, None], min(channels, 64), axis=1)
        data = forge.wav(frames, RATE) if channels <= 64 else _wav_fields(clean[: RATE // 4], channels=channels)
        yield Case(f"many_channels/wav-s16/{channels}ch{EXPECT_REFUSAL}", data, "wav")
    for tracks, mark in ((8, EXPECT_SPEECH), (32, EXPECT_SPEECH), (33, EXPECT_REFUSAL), (200, EXPECT_REFUSAL)):
        yield Case(f"many_channels/mkv-mp3/{tracks}-tracks{mark}", _tracks(clean[: RATE], tracks), "mkv")
    for mask in (0, 0x63F, 0xFFFFFFFF, 0x3):
        frames = _spread(clean, 8, "one", rng)
        fmt = forge.fmt_chunk(0xFFFE, 8, RATE, 16, extension=forge.extensible(16, mask, 1))
        data = forge.riff(b"WAVE", [fmt, forge.chunk(b"data", forge.pcm_bytes(frames, 16, False))])
        yield Case(f"many_channels/wav-extensible/8ch-mask-{mask:#x}{EXPECT_SPEECH}", data, "wav")


def _tracks(clean: np.ndarray, count: int) -> bytes:
    return encode(clean, Recipe("mkv", "matroska", "libmp3lame"), tracks=count)


def _spread(clean: np.ndarray, channels: int, layout: str, rng: np.random.Generator) -> np.ndarray:
    """Speech over `channels`: in all of them, in one (the others silent), or in opposite phase pairwise."""
    frames = np.zeros((len(clean), channels), np.float32)
    if layout == "all" or channels == 1:
        frames[:] = clean[:, None]
    elif layout == "one":
        frames[:, int(rng.integers(channels))] = clean
    else:
        frames[:] = clean[:, None] * np.where(np.arange(channels) % 2, -1.0, 1.0)
        if channels % 2:
            frames[:, -1] = 0  # an odd channel out would otherwise survive the downmix
    return frames


# --- metadata floods -----------------------------------------------------------------------------------------

FLOOD_KEYS = (2_000, 20_000, 100_000, 300_000)


def metadata_floods(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    for keys in FLOOD_KEYS:
        for name in ("flv-aac", "flv-mp3"):
            blob = seeds[name][0]
            yield Case(f"metadata_floods/{name}/onmetadata-{keys}", forge.flv_insert(blob, forge.flv_metadata_tag(keys)),
                       "flv")
        split = b"".join(forge.flv_metadata_tag(keys // 100, prefix=f"t{tag}k") for tag in range(100))
        yield Case(f"metadata_floods/flv-aac/split-{keys}", forge.flv_insert(seeds["flv-aac"][0], split), "flv")
        yield Case(f"metadata_floods/mp3/id3-txxx-{keys}", forge.txxx_flood(keys) + seeds["mp3"][0], "mp3")
        yield Case(f"metadata_floods/aac/id3-txxx-{keys}", forge.txxx_flood(keys) + seeds["aac"][0], "aac")
        yield Case(f"metadata_floods/wav-s16/list-info-{keys}", _wav_with_info(keys), "wav")
        yield Case(f"metadata_floods/mkv-mp3/tags-{keys}", _mkv_with_tags(seeds["mkv-mp3"][0], keys), "mkv")
        yield Case(f"metadata_floods/m4a-aac/ilst-{keys}", _mp4_with_udta(seeds["m4a-aac"][0], keys), "m4a")
        if keys <= 100_000:  # the Ogg checksum is computed in Python here
            yield Case(f"metadata_floods/ogg-opus/comments-{keys}", _ogg_with_comments(seeds["ogg-opus"][0], keys),
                       "ogg")
    yield Case("metadata_floods/flv-aac/small-metadata" + EXPECT_SPEECH,
               forge.flv_insert(seeds["flv-aac"][0], forge.flv_metadata_tag(50)), "flv")


def _wav_with_info(keys: int) -> bytes:
    entries = [(f"{i:04X}"[-4:].encode(), b"v") for i in range(min(keys, 0xFFFF))]
    samples = seed_speech()
    return forge.riff(b"WAVE", [forge.fmt_chunk(1, 1, RATE, 16), forge.info_list(entries),
                                forge.chunk(b"data", forge.pcm_bytes(samples[:, None], 16, False))])


def _mkv_with_tags(blob: bytes, keys: int) -> bytes:
    segment = blob.find(b"\x18\x53\x80\x67")
    size_at = segment + 4
    length = forge.ebml_vint_length(blob[size_at])
    body_at = size_at + length
    old = int.from_bytes(blob[size_at:body_at], "big") & ((1 << (7 * length)) - 1)
    tags = forge.mkv_tags(keys)
    size = ((1 << (7 * length)) | (old + len(tags))).to_bytes(length, "big")
    return blob[:size_at] + size + tags + blob[body_at:]


def _mp4_with_udta(blob: bytes, keys: int) -> bytes:
    moov = blob.find(b"moov") - 4
    size = struct.unpack_from(">I", blob, moov)[0]
    udta = forge.ilst_flood(keys)
    return blob[:moov] + struct.pack(">I", size + len(udta)) + blob[moov + 4:moov + size] + udta + blob[moov + size:]


def _ogg_with_comments(blob: bytes, keys: int) -> bytes:
    pages = forge.read_ogg_pages(blob)
    serial = pages[0][0]
    head = pages[0][1] + pages[0][2]
    tags = forge.ogg_pages(forge.opus_tags(keys), serial=serial, sequence=1)
    sequence = 1 + len(forge.read_ogg_pages(tags))
    rest = []
    for index, (_, header, body) in enumerate(pages[2:]):
        page = bytearray(header + body)
        page[18:22] = struct.pack("<I", sequence + index)
        rest.append(forge.reseal_ogg_page(bytes(page)))
    return head + tags + b"".join(rest)


# --- polyglots and playlists ---------------------------------------------------------------------------------

PREFIXES = {
    "gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + b"\0" * 20, "html": b"<!doctype html><html><body>",
    "m3u": b"#EXTM3U\n#EXTINF:1,\nsecret.wav\n", "png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    "fake-wav": forge.riff(b"WAVE", [forge.fmt_chunk(1, 1, RATE, 16)])[:36] + b"data\xff\xff\xff\xff",
    "flac": b"fLaC\0\0\0\x22" + b"\0" * 34, "ogg-page": b"OggS\0\x02" + b"\0" * 22, "id3": forge.id3v2([]),
}
SUFFIXES = {"zip-directory": b"PK\x05\x06" + b"\0" * 18, "html": b"<script>alert(1)</script>",
            "hls": b"\n#EXTM3U\n#EXT-X-ENDLIST\n", "id3v1": b"TAG" + b"\0" * 125}


def polyglots(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    for index, (name, (blob, extension)) in enumerate(seeds.items()):
        for offset, (label, prefix) in enumerate(PREFIXES.items()):
            if (index + offset) % 3 == 0:
                yield Case(f"polyglots/{name}/prefix-{label}", prefix + blob, extension)
        for label, suffix in SUFFIXES.items():
            if (index + len(label)) % 2 == 0:
                yield Case(f"polyglots/{name}/suffix-{label}", blob + suffix, extension)
    mp3 = seeds["mp3"][0]
    yield Case("polyglots/wav-forged/mp3-as-pcm", forge.riff(b"WAVE", [forge.fmt_chunk(1, 1, RATE, 16),
                                                                       forge.chunk(b"data", mp3)]), "wav")
    yield Case("polyglots/wav-forged/mp3-as-mp3", forge.riff(b"WAVE", [forge.fmt_chunk(0x55, 1, RATE, 0),
                                                                       forge.chunk(b"data", mp3)]), "wav")
    hls = b"#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n"
    m4a = seeds["m4a-aac"][0]
    yield Case("polyglots/m4a-aac/playlist-in-free-atom", m4a[:32] + forge.atom(b"free", hls) + m4a[32:], "m4a")
    for name, (blob, extension) in list(seeds.items())[:8]:
        yield Case(f"polyglots/{name}/as-other-extension", blob, "mp3" if extension != "mp3" else "wav")


PLAYLISTS = {
    "hls-local": "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nsecret.wav\n#EXT-X-ENDLIST\n",
    "hls-remote": "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:9/seg.ts\n#EXT-X-ENDLIST\n",
    "hls-file-url": "#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n",
    "m3u": "#EXTM3U\n/etc/passwd\nhttp://127.0.0.1:9/a.mp3\n",
    "ffconcat": "ffconcat version 1.0\nfile 'secret.wav'\nfile '/etc/passwd'\n",
    "dash": '<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static"><Period><AdaptationSet>'
            '<Representation id="1" bandwidth="1"><BaseURL>http://127.0.0.1:9/a.mp4</BaseURL></Representation>'
            "</AdaptationSet></Period></MPD>\n",
    "sdp": "v=0\no=- 0 0 IN IP4 127.0.0.1\ns=x\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio 9 RTP/AVP 0\n",
    "pls": "[playlist]\nFile1=http://127.0.0.1:9/a.mp3\nNumberOfEntries=1\nVersion=2\n",
    "ffmetadata": ";FFMETADATA1\ntitle=x\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1\n",
    "webvtt": "WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n",
    "subfile": "subfile,,start,0,end,0,,:/etc/passwd\n",
}


def playlists(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    extensions = ("mp3", "ogg", "wav", "m4a", "aac", "mp4", "mkv", "avi")
    for label, text in PLAYLISTS.items():
        for extension in extensions:
            yield Case(f"playlists/text/{label}-as-{extension}{EXPECT_REFUSAL}", text.encode(), extension)


# --- valid but unusual: must decode, and the speech must be found --------------------------------------------

QUIET_PEAK = 10 ** (-60 / 20)
QUIET_RECIPES = {"mp3": Recipe("mp3", "mp3", "libmp3lame"), "m4a-aac": Recipe("m4a", "ipod", "aac"),
                 "ogg-opus": Recipe("ogg", "ogg", "libopus"), "mkv-flac": Recipe("mkv", "matroska", "flac")}
STEREO_RECIPES = {"mkv-flac": Recipe("mkv", "matroska", "flac"), "m4a-alac": Recipe("m4a", "ipod", "alac"),
                  "mp3": Recipe("mp3", "mp3", "libmp3lame"), "flv-mp3": Recipe("flv", "flv", "libmp3lame", 22_050)}


def valid_edges(rng: np.random.Generator, seeds: Seeds) -> Iterator[Case]:
    clean = seed_speech()
    quiet = clean * np.float32(QUIET_PEAK / np.abs(clean).max())
    yield Case(f"valid_edges/wav-s16/peak-minus-60-dbfs{EXPECT_SPEECH}", forge.wav(quiet, RATE), "wav")
    yield Case(f"valid_edges/wav-f32/peak-minus-60-dbfs{EXPECT_SPEECH}", forge.wav(quiet, RATE, bits=32), "wav")
    for name, recipe in QUIET_RECIPES.items():
        yield Case(f"valid_edges/{name}/peak-minus-60-dbfs{EXPECT_SPEECH}", encode(quiet, recipe), recipe.extension)
    opposite = np.stack([clean, -clean], axis=1)
    yield Case(f"valid_edges/wav-s16/opposite-phase{EXPECT_SPEECH}", forge.wav(opposite, RATE), "wav")
    yield Case(f"valid_edges/wav-f32/opposite-phase{EXPECT_SPEECH}", forge.wav(opposite, RATE, bits=32), "wav")
    for name, recipe in STEREO_RECIPES.items():
        yield Case(f"valid_edges/{name}/opposite-phase{EXPECT_SPEECH}", encode(opposite, recipe), recipe.extension)
    for name, recipe in {"wav-s24": None, "mkv-flac": Recipe("mkv", "matroska", "flac")}.items():
        centre = _spread(clean, 8, "one", rng)
        data = forge.wav(centre, RATE, bits=24) if recipe is None else encode(centre, recipe)
        yield Case(f"valid_edges/{name}/7.1-speech-in-one{EXPECT_SPEECH}", data, "wav" if recipe is None else "mkv")
    for bits in (8, 24, 32):
        yield Case(f"valid_edges/wav-pcm/{bits}-bit{EXPECT_SPEECH}", forge.wav(clean, RATE, bits=bits, tag=1), "wav")
    for rate in (8_000, 11_025, 48_000, 96_000, 192_000):
        resampled = np.interp(np.arange(int(len(clean) * rate / RATE)) * RATE / rate, np.arange(len(clean)), clean)
        yield Case(f"valid_edges/wav-s16/{rate}-hz{EXPECT_SPEECH}", forge.wav(resampled.astype(np.float32), rate),
                   "wav")


FAMILIES: dict[str, Callable[[np.random.Generator, Seeds], Iterator[Case]]] = {
    "byte_flips": byte_flips, "truncations": truncations, "splices": splices, "lying_headers": lying_headers,
    "unknown_codecs": unknown_codecs, "non_finite": non_finite, "many_channels": many_channels,
    "metadata_floods": metadata_floods, "polyglots": polyglots, "playlists": playlists, "valid_edges": valid_edges,
}


def _all(blob: bytes, needle: bytes) -> list[int]:
    found, at = [], blob.find(needle)
    while at != -1:
        found.append(at)
        at = blob.find(needle, at + 1)
    return found
