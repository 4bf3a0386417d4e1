// Audio in the browser: a recording or an uploaded file as one "source" widget, WAV encoding of recordings,
// and a player that plays streamed MP3 while it is still arriving (MediaSource).

const RECORDING_RATE = 24000;   // recordings are sent as 16-bit mono WAV at this rate (the engine's rate)
const RECORD = '<span aria-hidden="true">●</span> Record';
const STOP = '<span aria-hidden="true">■</span> Stop';

// One widget: record (MediaRecorder) or choose a file; `source.take()` gives {blob, name} or null.
export function makeSource(container) {
  const label = container.dataset.label;
  const id = container.id;
  container.innerHTML = `
    <div class="source-buttons">
      <button type="button" class="record" id="${id}-record" aria-pressed="false">${RECORD}</button>
      <span class="or">or</span>
      <label class="file-label" for="${id}-file">Upload a file</label>
      <input type="file" id="${id}-file" accept=".mp3,.m4a,.wav,audio/mpeg,audio/mp4,audio/wav,audio/x-wav"
             aria-label="Upload the ${label}">
    </div>
    <p class="source-state" id="${id}-state" aria-live="polite">No ${label} yet.</p>
    <audio controls id="${id}-audio" hidden aria-label="Listen to the ${label}"></audio>`;
  const record = container.querySelector(".record");
  const file = container.querySelector("input[type=file]");
  const state = container.querySelector(".source-state");
  const audio = container.querySelector("audio");
  let chosen = null;
  let recorder = null;
  let timer = null;

  function show(blob, name, what) {
    chosen = { blob, name };
    audio.src = URL.createObjectURL(blob);
    audio.hidden = false;
    state.textContent = what;
  }

  file.addEventListener("change", () => {
    const picked = file.files[0];
    if (picked) show(picked, picked.name, `File: ${picked.name} (${(picked.size / 1024 / 1024).toFixed(1)} MB)`);
  });

  record.addEventListener("click", async () => {
    if (recorder) { recorder.stop(); return; }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      state.textContent = `The microphone is not available (${error.message}). Upload a file instead.`;
      return;
    }
    const pieces = [];
    recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (event) => pieces.push(event.data);
    recorder.onstop = async () => {
      clearInterval(timer);
      stream.getTracks().forEach((track) => track.stop());
      record.innerHTML = RECORD;
      record.setAttribute("aria-pressed", "false");
      recorder = null;
      state.textContent = "Preparing the recording…";
      try {
        const wav = await toWav(new Blob(pieces, { type: pieces[0]?.type || "audio/webm" }));
        show(wav, `${id}.wav`, `Recording: ${(wav.size / 2 / RECORDING_RATE).toFixed(1)} s`);
      } catch (error) {
        state.textContent = `The recording could not be read (${error.message}).`;
      }
    };
    const started = Date.now();
    recorder.start();
    record.innerHTML = STOP;
    record.setAttribute("aria-pressed", "true");
    timer = setInterval(() => {
      state.textContent = `Recording… ${Math.round((Date.now() - started) / 1000)} s (press Stop when done)`;
    }, 250);
  });

  return { take: () => chosen, element: container };
}

// Any audio the browser decodes, as 16-bit mono WAV at RECORDING_RATE.
export async function toWav(blob) {
  const context = new AudioContext();
  const decoded = await context.decodeAudioData(await blob.arrayBuffer());
  context.close();
  const length = Math.ceil(decoded.duration * RECORDING_RATE);
  const offline = new OfflineAudioContext(1, length, RECORDING_RATE);
  const node = offline.createBufferSource();
  node.buffer = decoded;
  node.connect(offline.destination);
  node.start();
  const rendered = await offline.startRendering();
  return wavBlob(rendered.getChannelData(0), RECORDING_RATE);
}

export function wavBlob(samples, rate) {
  const view = new DataView(new ArrayBuffer(44 + samples.length * 2));
  const text = (offset, s) => [...s].forEach((c, i) => view.setUint8(offset + i, c.charCodeAt(0)));
  text(0, "RIFF"); view.setUint32(4, 36 + samples.length * 2, true); text(8, "WAVE");
  text(12, "fmt "); view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, rate, true); view.setUint32(28, rate * 2, true); view.setUint16(32, 2, true);
  view.setUint16(34, 16, true); text(36, "data"); view.setUint32(40, samples.length * 2, true);
  samples.forEach((x, i) => view.setInt16(44 + i * 2, Math.max(-1, Math.min(1, x)) * 0x7fff, true));
  return new Blob([view], { type: "audio/wav" });
}

// 16-bit little-endian PCM bytes as a WAV file (the service streams pcm without a header).
export function pcmToWav(bytes, rate) {
  const samples = new Float32Array(bytes.length >> 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length & ~1);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true) / 0x8000;
  return wavBlob(samples, rate);
}

export function hexBytes(hex) {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

// Plays MP3 pieces in an <audio> element as they arrive: each appended in sequence to one SourceBuffer, playing
// from the first piece; `finish()` ends the stream so the element knows the duration.
export class StreamPlayer {
  constructor(audio) {
    this.audio = audio;
    this.queue = [];
    this.source = new MediaSource();
    this.ready = new Promise((resolve) => this.source.addEventListener("sourceopen", resolve, { once: true }));
    audio.src = URL.createObjectURL(this.source);
    this.started = false;
  }

  static supported() {
    return window.MediaSource && MediaSource.isTypeSupported("audio/mpeg");
  }

  async append(bytes) {
    await this.ready;
    if (!this.buffer) {
      this.buffer = this.source.addSourceBuffer("audio/mpeg");
      this.buffer.mode = "sequence";
      this.buffer.addEventListener("updateend", () => this.pump());
    }
    this.queue.push(bytes);
    this.pump();
    if (!this.started) {
      this.started = true;
      this.audio.play().catch(() => {});   // a browser that refuses autoplay leaves the play button to the user
    }
  }

  pump() {
    if (this.buffer.updating) return;
    if (this.queue.length) { this.buffer.appendBuffer(this.queue.shift()); return; }
    if (this.finishing && this.source.readyState === "open") { this.source.endOfStream(); this.finishing(); }
  }

  finish() {
    return new Promise((resolve) => {
      if (!this.buffer) { resolve(); return; }
      this.finishing = resolve;
      this.pump();
    });
  }
}
