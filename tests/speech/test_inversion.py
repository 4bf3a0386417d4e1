"""Style inversion: the differentiable decoder follows ONNX Runtime, gradients reach the timbre, enrollment moves toward the speaker."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf
import torch

from soundclone.speech import analysis, equalizer
from soundclone.speech.engine import load_engine
from soundclone.speech.kokoro import model as kokoro_model
from soundclone.speech.kokoro.differentiable import ANGLE_DIVISION, shared_decoder
from soundclone.speech.kokoro.engine import KokoroEngine
from soundclone.speech.kokoro.inversion import _log_mel as decoder_log_mel
from soundclone.speech.kokoro.inversion import (
    MAX_PITCH_SHIFT, PACK_CACHE_NAME, START_LOG_MEL_DIR, START_PACKS, TIMBRE_DIMS, InversionSettings, StyleInverter,
    REFINE_AVERAGE_LAST, REFINE_SPREAD_WEIGHT, _Optimization, _crop, _frames_of, _centred, _pitch_shift, _scheduled_rate, _speech_spread, _start_log_mel_key,
    draft_settings, refine_settings,
    shipped_pack_embeddings,
)
from soundclone.speech.profile import VoiceProfile
from soundclone.speech.speaker_encoder import cosine, shared_encoder
from tests.conftest import MODEL_DIR, REFERENCE_WAV

pytestmark = pytest.mark.slow
SENTENCE = "She sells fresh bread at the market every morning."


@pytest.fixture(scope="module")
def kokoro() -> KokoroEngine:
    return KokoroEngine.load(model_dir=MODEL_DIR)


@pytest.fixture(scope="module")
def training(kokoro):
    return StyleInverter(kokoro)._training_sentence(SENTENCE, kokoro.packs["jf_alpha"], 1.0)


def _log_mel(audio: np.ndarray) -> np.ndarray:
    frames = analysis._frames(analysis.resample(audio, 24_000, 16_000), analysis.FRAME, analysis.HOP)
    power = np.abs(np.fft.rfft(frames * np.hanning(analysis.FRAME), analysis.N_FFT)) ** 2
    return np.log(power @ analysis._mel_filterbank(16_000).T + 1e-8)


def test_the_torch_decoder_follows_onnx_runtime(kokoro, training):
    onnx_audio = kokoro.session.run(["audio"], {
        "tokens": np.array([_tokens_of(kokoro)], np.int64), "style": training.style_row,
        "speed": np.ones(1, np.float32), "f0_scale": np.ones(1, np.float32),
        "f0_range": np.ones(1, np.float32), "f0_center": np.full(1, 200.0, np.float32),
    })[0].reshape(-1)
    with torch.no_grad():
        torch_audio = shared_decoder(kokoro.model_dir)(*(torch.from_numpy(a) for a in (
            training.text, training.f0, training.energy, training.style_row))).numpy()
    assert len(torch_audio) == len(onnx_audio)
    a, b = _log_mel(onnx_audio), _log_mel(torch_audio)
    assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.97
    level = np.sqrt(np.mean(torch_audio ** 2)) / np.sqrt(np.mean(onnx_audio ** 2))
    assert 0.7 < level < 1.3


def test_only_the_phase_division_repairs_zero_over_zero_and_unvoiced_speech_stays_finite(kokoro, training):
    decoder = shared_decoder(kokoro.model_dir)
    repaired = [node for node in decoder.nodes if node.op == ANGLE_DIVISION]
    feeds_atan = {node.inputs[0] for node in decoder.nodes if node.op == "Atan"}
    assert repaired and {node.outputs[0] for node in repaired} == feeds_atan
    with torch.no_grad():   # no F0 anywhere: the harmonic source is silent and its phase is atan2(0, 0)
        audio = decoder(torch.from_numpy(training.text[..., :40]), torch.zeros(1, 80),
                        torch.from_numpy(training.energy[..., :80]), torch.from_numpy(training.style_row))
    assert torch.isfinite(audio).all() and audio.abs().max() > 0


def test_the_decoder_keeps_only_the_constants_it_reads(kokoro):
    decoder = shared_decoder(kokoro.model_dir)
    read = {name for node in decoder.nodes for name in node.inputs}
    assert set(decoder.constants) <= read                     # no integer weight kept beside its float copy
    assert any(name.endswith("/dequantized") for name in decoder.constants)


def test_the_front_graph_gives_the_whole_graphs_decoder_inputs_and_durations(kokoro):
    feeds = kokoro_model.model_inputs(_tokens_of(kokoro), kokoro.packs["jf_alpha"], speed=1.2, f0_scale=0.9,
                                      f0_range=1.3, f0_center=180.0)
    names = ["durations", "decoder_text", "decoder_f0", "decoder_energy"]
    whole = kokoro.session.run(names, feeds)
    front = kokoro.front_session.run(names, feeds)
    assert "audio" not in [o.name for o in kokoro.front_session.get_outputs()]
    for a, b in zip(whole, front):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)


def test_the_content_term_hears_a_changed_voice_not_the_cut_into_crops(kokoro, training):
    """The content term compares a crop's centred log-mel with the same frames of the whole sentence in the
    starting voice: near zero for the starting voice itself, well above it for another voice."""
    decoder, encoder = shared_decoder(kokoro.model_dir), shared_encoder()
    whole = StyleInverter(kokoro)._start_log_mel(training, decoder, encoder)
    first, frames = 20, 64
    crop = [torch.from_numpy(a) for a in _crop(training, first, frames)]

    def change(style_row: np.ndarray) -> float:
        with torch.no_grad():
            shape = _centred(decoder_log_mel(encoder, decoder(*crop, torch.from_numpy(style_row)), kokoro.sample_rate))
        wanted = _frames_of(whole, first, training, len(shape))
        shared = min(len(shape), len(wanted))
        return float(torch.mean((shape[:shared] - wanted[:shared]) ** 2))

    other = training.style_row.copy()
    other[:, :TIMBRE_DIMS] = kokoro.packs["jm_kumo"][len(_tokens_of(kokoro)) - 1, :TIMBRE_DIMS]
    same, changed = change(training.style_row), change(other)
    assert same < 0.3            # measured 0.20: the crop's edges and the sine source's phase
    assert changed > 2.5 * same  # measured 0.73 for the male pack's timbre on this sentence


def _tokens_of(kokoro) -> list[int]:
    from soundclone.speech.kokoro.inversion import _tokens

    return _tokens(kokoro.vocab, kokoro.words(SENTENCE, "en"))


def test_the_start_voices_log_mel_is_decoded_once_then_read_back_and_a_damaged_copy_is_redone(kokoro, training):
    inverter = StyleInverter(kokoro)
    decoder, encoder = shared_decoder(kokoro.model_dir), shared_encoder()
    path = kokoro.model_dir / START_LOG_MEL_DIR / f"{_start_log_mel_key(training, kokoro.sample_rate)}.npy"
    path.unlink(missing_ok=True)
    decoded = inverter._start_log_mel(training, decoder, encoder).numpy()
    assert path.exists()
    np.testing.assert_array_equal(inverter._start_log_mel(training, decoder, encoder).numpy(), decoded)
    path.write_bytes(b"not an array")
    np.testing.assert_allclose(inverter._start_log_mel(training, decoder, encoder).numpy(), decoded, atol=1e-5)
    assert np.load(path).shape == decoded.shape          # written again, whole
    other = StyleInverter(kokoro)._training_sentence(SENTENCE, kokoro.packs["jm_kumo"], 1.0)
    assert _start_log_mel_key(other, kokoro.sample_rate) != _start_log_mel_key(training, kokoro.sample_rate)


def test_gradients_reach_the_timbre_half_only(kokoro, training):
    style = torch.from_numpy(training.style_row).clone().requires_grad_(True)
    audio = shared_decoder(kokoro.model_dir)(torch.from_numpy(training.text[..., :60]),
                                             torch.from_numpy(training.f0[..., :120]),
                                             torch.from_numpy(training.energy[..., :120]), style)
    audio.pow(2).mean().backward()
    assert style.grad[0, :TIMBRE_DIMS].abs().sum() > 0
    assert style.grad[0, TIMBRE_DIMS:].abs().sum() == 0   # prosody rows feed the predictor, not the decoder


def test_enrollment_moves_the_voice_toward_the_speaker(kokoro):
    samples, rate = sf.read(REFERENCE_WAV, dtype="float32")
    enrolment, held_out = samples[: 15 * rate], samples[15 * rate:]
    calls = []
    settings = InversionSettings(steps=6, learning_rate=0.05, crop_frames=64)
    profile = StyleInverter(kokoro, settings).enroll(enrolment, rate, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (6, 6) and len(calls) == 6
    restored = VoiceProfile.from_bytes(profile.to_bytes())
    start = restored.details["start_pack"]
    assert start == "jm_kumo"   # the one male start pack, for a male reader
    assert np.allclose(restored.style[:, TIMBRE_DIMS:], kokoro.packs[start][:, TIMBRE_DIMS:])  # prosody kept
    assert restored.details["offset_norm"] > 0.1
    curve = np.array(restored.equalizer_db)
    edge = analysis.bandwidth_hz(enrolment, rate) * equalizer.BAND_EDGE_MARGIN
    assert len(curve) == equalizer.BAND_COUNT and curve[equalizer.BAND_CENTERS_HZ <= edge].any()
    assert not curve[equalizer.BAND_CENTERS_HZ > edge].any()   # nothing claimed beyond the reference's band

    target = shared_encoder().embed(held_out, rate)

    def similarity(voice: VoiceProfile) -> float:
        words = kokoro.words("Yesterday I walked to the library and borrowed three books.", "en")
        audio, _ = kokoro.speak_words(words, voice.style, speed=1.0, f0_scale=voice.f0_scale)
        return cosine(shared_encoder().embed(audio, kokoro.sample_rate), target)

    assert similarity(restored) > similarity(kokoro.system_voices()[start]) + 0.01

    unshifted = StyleInverter(kokoro)._training_material(kokoro.packs[start], reference_f0=None)
    shift = restored.details["pitch_shift_semitones"]
    assert shift == _pitch_shift(unshifted.voice_f0_hz, analysis.median_f0(enrolment, rate), settings.max_pitch_shift)
    assert shift != 0            # the reader speaks above jm_kumo's ~92 Hz
    assert restored.f0_scale == pytest.approx(2 ** (shift / 12))
    assert restored.details["voice_f0_hz"] == pytest.approx(unshifted.voice_f0_hz, abs=0.05)   # before the shift


def test_a_cosine_schedule_runs_from_the_learning_rate_to_the_final_one():
    settings = InversionSettings(steps=101, learning_rate=0.05, final_learning_rate=0.005)
    rates = [_scheduled_rate(settings, step) for step in range(settings.steps)]
    assert rates[0] == pytest.approx(0.05) and rates[-1] == pytest.approx(0.005)
    assert rates[50] == pytest.approx(0.0275) and all(a >= b for a, b in zip(rates, rates[1:]))


def test_with_average_last_the_voice_keeps_the_mean_of_the_last_steps_offsets(kokoro):
    settings = InversionSettings(steps=3, average_last=2, learning_rate=0.05, crop_frames=32, start_candidates=1)
    inverter = StyleInverter(kokoro, settings)
    optimization = _Optimization(inverter, torch.from_numpy(shared_encoder().embed(*sf.read(REFERENCE_WAV))),
                                 None, None, total_steps=settings.steps)
    run = optimization.begin("jf_alpha", inverter._training_material(kokoro.packs["jf_alpha"], None))
    optimization.advance(run, settings.steps)
    assert len(run.late_offsets) == 2       # after steps 2 and 3, not step 1
    last = run.offset.detach().numpy()
    np.testing.assert_allclose(run.late_offsets[-1], last)
    np.testing.assert_allclose(run.final_offset(), (run.late_offsets[0] + last) / 2, rtol=1e-6)
    assert not np.allclose(run.final_offset(), last)
    with pytest.raises(ValueError, match="average_last"):
        InversionSettings(steps=3, average_last=4)


def test_the_refinement_averages_its_last_steps_and_never_more_than_it_takes():
    assert refine_settings(100, 2).average_last == REFINE_AVERAGE_LAST
    assert refine_settings(2, 2).average_last == 2     # a short refinement (the tests') averages what it has
    assert refine_settings(0, 2).average_last == 0
    assert refine_settings(100, 2).spread_weight == REFINE_SPREAD_WEIGHT > 0   # the refinement matches the spread
    assert draft_settings(4, 2).spread_weight == 0 == draft_settings(4, 2).long_term_weight


def test_the_spread_is_measured_over_speech_frames_and_needs_the_long_term_term():
    speech = torch.tensor([[0.0, 1.0], [2.0, 5.0], [4.0, 3.0]], requires_grad=True)
    silence = torch.full((5, 2), -40.0)                     # far under the loudest frame
    spread = _speech_spread(torch.cat([speech, silence]))
    assert torch.allclose(spread, speech.detach().std(dim=0))
    spread.sum().backward()                                  # the term moves the voice's frames
    assert speech.grad is not None and speech.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="long_term_weight"):
        InversionSettings(spread_weight=1.0)
    assert InversionSettings(spread_weight=1.0, long_term_weight=1.0).spread_weight == 1.0


def test_the_start_voice_moves_toward_the_references_pitch_in_whole_semitones_within_the_limit():
    assert _pitch_shift(100.0, 150.0, 8.0) == 7.0      # 7.02 semitones up
    assert _pitch_shift(100.0, 400.0, 8.0) == 8.0      # two octaves asked, the limit given
    assert _pitch_shift(200.0, 100.0, 8.0) == -8.0
    assert _pitch_shift(100.0, 150.0, 6.5) == 6.0      # a fractional limit is never passed
    assert _pitch_shift(100.0, 150.0, 0.0) == 0.0      # shifting switched off
    assert _pitch_shift(100.0, None, 8.0) == 0.0       # no pitch heard in the reference
    assert _pitch_shift(None, 150.0, 8.0) == 0.0       # nothing voiced in the start voice
    with pytest.raises(ValueError, match="max_pitch_shift"):
        InversionSettings(max_pitch_shift=MAX_PITCH_SHIFT + 1)   # past what a profile's f0_scale allows
    with pytest.raises(ValueError, match="max_pitch_shift"):
        InversionSettings(max_pitch_shift=-1)


def test_the_two_nearest_packs_are_probed_and_the_lower_loss_goes_on(kokoro):
    samples, rate = sf.read(REFERENCE_WAV, dtype="float32")
    calls = []
    settings = InversionSettings(steps=4, probe_steps=2, learning_rate=0.05, crop_frames=64)
    profile = StyleInverter(kokoro, settings).enroll(samples[: 15 * rate], rate,
                                                     progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, 6) for n in range(1, 7)]    # two probes of 2 steps, then 2 more for the better one
    probed = profile.details["start_probe_loss"]
    similarity = profile.details["pack_similarity"]
    assert set(similarity) == set(START_PACKS)                      # ranked among the start packs only
    assert set(probed) == set(sorted(similarity, key=similarity.get, reverse=True)[:2])
    assert profile.details["start_pack"] == min(probed, key=probed.get)
    assert np.allclose(profile.style[:, TIMBRE_DIMS:], kokoro.packs[profile.details["start_pack"]][:, TIMBRE_DIMS:])


def test_a_clone_needs_somewhere_to_start(kokoro):
    with pytest.raises(ValueError, match="start_packs"):
        InversionSettings(start_packs=())
    with pytest.raises(ValueError, match="none of the start packs"):
        StyleInverter(kokoro, InversionSettings(start_packs=("xx_nobody",))).pack_embeddings()


def test_too_few_steps_for_two_probes_start_from_the_nearest_pack_alone():
    assert not InversionSettings(steps=15, probe_steps=8).probes()
    assert InversionSettings(steps=16, probe_steps=8).probes()
    assert not InversionSettings(steps=30, start_candidates=1).probes()


def test_the_shipped_pack_embeddings_are_what_the_packs_give_today(kokoro, monkeypatch):
    shipped = shipped_pack_embeddings(kokoro.packs)
    assert shipped is not None and set(shipped) == set(kokoro.packs)   # all 54, no minutes of speaking at start
    inverter = StyleInverter(kokoro)
    monkeypatch.setattr(inverter, "compute_pack_embeddings", lambda *_: pytest.fail("computed, not read"))
    assert inverter.pack_embeddings() == {name: shipped[name] for name in START_PACKS}
    one = replace(kokoro, packs={"jm_kumo": kokoro.packs["jm_kumo"]})
    assert shipped_pack_embeddings(one.packs) is None                    # made from other packs: not used
    computed = StyleInverter(one).compute_pack_embeddings()
    assert set(computed) == {"jm_kumo"} and cosine(np.array(computed["jm_kumo"]), np.array(shipped["jm_kumo"])) > 0.995


def test_a_torn_pack_embedding_cache_is_computed_again_not_fatal(kokoro):
    # one pack: no shipped table matches it, so the model directory's cache is what is read
    inverter = StyleInverter(replace(kokoro, packs={"jm_kumo": kokoro.packs["jm_kumo"]}))
    embeddings = inverter.pack_embeddings()
    path = kokoro.model_dir / PACK_CACHE_NAME
    path.write_text('{"jm_kumo": [0.1, ')          # what a worker killed mid-write used to leave
    again = inverter.pack_embeddings()
    assert set(again) == set(embeddings)
    assert np.allclose(again["jm_kumo"], embeddings["jm_kumo"], atol=1e-5)
    assert inverter.pack_embeddings() == again      # and the file is whole again


def test_cache_files_are_replaced_whole_and_unreadable_ones_read_as_missing(tmp_path):
    from soundclone.speech.kokoro import cache

    table = tmp_path / "table.json"
    cache.write_table(table, {"a": [1.0], "b": [2.0]})
    assert cache.read_table(table, ["a", "b"]) == {"a": [1.0], "b": [2.0]}
    assert cache.read_table(table, ["a"]) == {"a": [1.0]}         # a subset of the packs it was computed for
    assert cache.read_table(table, ["a", "c"]) is None            # a pack it lacks: computed again
    table.write_text('{"a": [1.')
    assert cache.read_table(table, ["a", "b"]) is None
    matrix = tmp_path / "m.npy"
    cache.write_matrix(matrix, np.ones((3, 2)))
    assert cache.read_matrix(matrix).dtype == np.float32 and cache.read_matrix(matrix).shape == (3, 2)
    matrix.write_bytes(matrix.read_bytes()[:-4])
    assert cache.read_matrix(matrix) is None
    assert not list(tmp_path.glob(".*.tmp"))                      # nothing half-written left behind


def test_the_stage_settings_reach_the_engine_the_worker_loads(monkeypatch):
    from soundclone.settings import Settings

    monkeypatch.setenv("SOUNDCLONE_DRAFT_STEPS", "3")
    monkeypatch.setenv("SOUNDCLONE_REFINE_STEPS", "7")
    loaded = {}
    monkeypatch.setattr(KokoroEngine, "load", classmethod(lambda cls, **kwargs: loaded.update(kwargs)))
    settings = Settings()
    load_engine("kokoro", model_dir=MODEL_DIR, draft_steps=settings.draft_steps, refine_steps=settings.refine_steps)
    assert (loaded["draft_steps"], loaded["refine_steps"]) == (3, 7)


def test_a_refinement_goes_on_from_the_draft(kokoro):
    reference, rate = sf.read(REFERENCE_WAV, dtype="float32")
    engine = replace(kokoro, draft_steps=2, refine_steps=2)
    draft = engine.enroll_draft(reference, rate)
    refined = engine.refine(reference, rate, draft)
    assert draft.details["stage"] == "first" and refined.details["stage"] == "refined"
    assert refined.details["start_pack"] == draft.details["start_pack"]
    assert refined.details["pitch_shift_semitones"] == draft.details["pitch_shift_semitones"]
    assert refined.details["steps_total"] == 4 and refined.details["steps_before"] == 2
    assert draft.details["offset_mean_of_steps"] == 1 and refined.details["offset_mean_of_steps"] == 2
    moved = np.abs(refined.style[0, :128] - draft.style[0, :128]).max()
    assert 0 < moved < 1                                        # on from where the draft stopped, not from the pack


def test_the_worker_loads_what_every_clone_needs_once_at_start_up(kokoro):
    shared_decoder.cache_clear()
    shared_encoder.cache_clear()
    kokoro.prepare()
    assert shared_decoder.cache_info().currsize == 1           # the differentiable decoder, ~1.3 s to build
    assert shared_encoder.cache_info().currsize == 1           # the speaker encoder the loss runs


def test_the_optimizers_first_use_import_is_paid_at_start_up_not_by_the_first_clone():
    script = "\n".join([
        "import sys", "from pathlib import Path", "from soundclone.speech.kokoro.engine import KokoroEngine",
        f"engine = KokoroEngine.load(model_dir=Path({str(MODEL_DIR)!r}))",
        "print('torch._dynamo' in sys.modules)", "engine.prepare()", "print('torch._dynamo' in sys.modules)"])
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    assert result.stdout.split() == ["False", "True"]           # ~1.4 s the first clone no longer pays
