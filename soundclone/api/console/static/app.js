// The console: sign in, clone, voices, speak, history, account. Every call goes to the public API (api.js);
// prices, limits and checks are the service's answers, shown as they come.

import { ApiError, del, get, post, postEvents, postForm, session } from "./api.js";
import { StreamPlayer, hexBytes, makeSource, pcmToWav } from "./media.js";

const $ = (selector) => document.querySelector(selector);
const VIEWS = ["clone", "voices", "speak", "history", "account"];
const SPEECH_PATH = "/v1/t2a_v2";
const QUOTE_PATH = "/api/v1/quote/t2a_v2";
const PAUSE_MARKER = "<#0.5#>";
const QUOTE_DELAY_MS = 300;
const PROGRESS_POLL_MS = 2000;   // the task list, while a voice is made: 30 calls a minute of the key's 120
const CONTENT_TYPES = { mp3: "audio/mpeg", flac: "audio/flac", pcm: "audio/wav", wav: "audio/wav" };

let service = null;        // GET /api/v1/service
let account = null;        // GET /api/v1/account
let systemVoices = null;   // GET /api/v1/voices/system
const previews = new Map();   // voice id -> object URL of a sample already heard

// ---- helpers ------------------------------------------------------------------------------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function money(micros) {
  const unit = service?.micros_per_unit || 1_000_000;
  const value = micros / unit;
  return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 6 });
}

function when(seconds) {
  return new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function fail(target, error) {
  $(target).textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

function confirmDialog(text) {
  const dialog = $("#confirm");
  $("#confirm-text").textContent = text;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"),
                                                          { once: true }));
}

// ---- sign in and navigation ------------------------------------------------------------------------

async function signIn(key) {
  session.key = key;
  try {
    account = await get("/api/v1/account");
  } catch (error) {
    session.key = null;
    throw error;
  }
  $("#nav").hidden = false;
  $("#sign-out").hidden = false;
  await loadService();
  route();
}

function signOut(message = "") {
  session.key = null;
  account = null;
  $("#nav").hidden = true;
  $("#sign-out").hidden = true;
  $("#signin-error").textContent = message;
  show("signin");
}

function show(name) {
  for (const view of document.querySelectorAll(".view")) view.hidden = view.id !== `view-${name}`;
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.hash === `#${name}`) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.title = `${name === "signin" ? "Sign in" : name[0].toUpperCase() + name.slice(1)} – soundclone console`;
}

function route() {
  if (!session.key) { show("signin"); return; }
  const name = VIEWS.includes(location.hash.slice(1)) ? location.hash.slice(1) : "speak";
  show(name);
  ({ clone: openClone, voices: openVoices, speak: openSpeak, history: openHistory, account: openAccount })[name]();
}

async function loadService() {
  if (service) return;
  service = await get("/api/v1/service");
  systemVoices = (await get("/api/v1/voices/system")).data;
  fillSelect($("#consent-language"), service.consent_languages.map((code) => [code, languageName(code)]), "en");
  fillSelect($("#speak-language"), [["auto", "Detect from the text"],
                                    ...service.languages.map((l) => [l.name, l.name])], "auto");
  const languages = [...new Set(systemVoices.map((v) => v.language).filter(Boolean))].sort();
  fillSelect($("#system-filter"), [["", "all"], ...languages.map((l) => [l, l])], "");
  const controls = service.speech_controls;
  fillSelect($("#speak-emotion"), [["", "the voice's own"], ...controls.emotions.map((e) => [e, e])], "");
  fillSelect($("#speak-format"), controls.formats.map((f) => [f, f === "mp3" ? "mp3 (plays while it is made)" : f]),
             "mp3");
  setRange("speed", controls.speed, 0.05, (v) => `${Number(v).toFixed(2)}×`);
  setRange("volume", controls.volume, 0.1, (v) => `${Number(v).toFixed(1)}×`);
  setRange("pitch", controls.pitch, 1, (v) => `${v > 0 ? "+" : ""}${v} semitones`);
  $("#consent-optional").hidden = service.consent_required;
}

function languageName(code) {
  try { return new Intl.DisplayNames(["en"], { type: "language" }).of(code) || code; } catch { return code; }
}

function fillSelect(select, options, chosen) {
  select.replaceChildren(...options.map(([value, label]) => el("option", { value, selected: value === chosen },
                                                                     label)));
}

function setRange(name, range, step, format) {
  const input = $(`#speak-${name}`);
  Object.assign(input, { min: range.min, max: range.max, step, value: range.default });
  const output = $(`#speak-${name}-out`);
  const update = () => { output.textContent = format(input.value); input.setAttribute("aria-valuetext", format(input.value)); };
  input.addEventListener("input", update);
  update();
}

// ---- clone --------------------------------------------------------------------------------------

let consentSource, sampleSource, consentId = null;

async function openClone() {
  if (!$("#clone-id").value) {
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
    $("#clone-id").value = `voice-${stamp}`;
  }
  await showPhrase();
}

async function showPhrase() {
  const language = $("#consent-language").value;
  if (!language) return;
  const phrase = await get(`/v1/audio/consent_phrases?language=${encodeURIComponent(language)}`);
  $("#consent-phrase").textContent = phrase.phrase;
  $("#consent-phrase").lang = language;
}

async function checkConsent() {
  const result = $("#consent-result");
  const recording = consentSource.take();
  result.className = "result";
  if (!recording) { result.textContent = "Record or upload the speaker reading the sentence first."; return; }
  if (!$("#consent-name").value.trim()) { result.textContent = "Write the speaker's name."; $("#consent-name").focus(); return; }
  const form = new FormData();
  form.append("recording", recording.blob, recording.name);
  form.append("language", $("#consent-language").value);
  form.append("name", $("#consent-name").value.trim());
  result.textContent = "Checking: is it speech, is it the sentence, whose voice is it… (a few seconds)";
  $("#consent-check").disabled = true;
  try {
    const consent = await postForm("/v1/audio/voice_consents", form);
    consentId = consent.id;
    result.className = "result ok";
    result.textContent = `✓ Consent verified (${consent.id}). The voice sample must be the same speaker.`;
  } catch (error) {
    consentId = null;
    result.className = "result refused";
    result.textContent = `✗ Consent refused: ${error.message}`;
  } finally {
    $("#consent-check").disabled = false;
  }
}

async function makeVoice() {
  const error = $("#clone-error");
  error.textContent = "";
  const sample = sampleSource.take();
  if (!sample) { error.textContent = "Record or upload a voice sample first."; return; }
  if (service.consent_required && !consentId) {
    error.textContent = "This service requires a verified consent: do step 1 first."; return;
  }
  const voiceId = $("#clone-id").value.trim();
  const progress = $("#clone-progress");
  const stage = $("#clone-stage");
  const started = Date.now();
  let phase = "Uploading the sample";
  const tick = () => { stage.textContent = `${phase}… ${Math.round((Date.now() - started) / 1000)} s`; };
  progress.hidden = false;
  $("#clone-go").disabled = true;
  tick();
  const clock = setInterval(tick, 250);
  let watcher = null;
  try {
    const form = new FormData();
    form.append("purpose", "voice_clone");
    form.append("file", sample.blob, sample.name);
    const uploaded = await postForm("/v1/files/upload", form);
    phase = "Sent; waiting for a worker";
    const before = new Set((await get("/api/v1/tasks?limit=20")).data.map((t) => t.id));
    watcher = setInterval(async () => {   // the task's real state, from the account's task list
      try {
        const tasks = (await get("/api/v1/tasks?limit=5")).data;
        const task = tasks.find((t) => !before.has(t.id) && t.kind === "minimaxVoiceClone");
        if (task) phase = { queued: "Queued, waiting for a worker", processing: "Making the voice and its preview" }[task.status] || phase;
      } catch { /* the clone call reports its own errors */ }
    }, PROGRESS_POLL_MS);
    const body = { file_id: uploaded.file.file_id, voice_id: voiceId, model: service.speech_controls.model,
                   text: $("#clone-preview-text").value.trim() || undefined };
    if (consentId) body.consent_id = consentId;
    const reply = await post("/v1/voice_clone", body);
    const audio = $("#clone-preview");
    $("#clone-done").className = "ok";
    $("#clone-done").textContent = `Voice ${voiceId} is ready (${Math.round((Date.now() - started) / 1000)} s).`;
    if (reply.demo_audio) {
      audio.hidden = false;
      audio.src = reply.demo_audio;
      previews.set(voiceId, reply.demo_audio);
      audio.play().catch(() => {});
    }
    const link = $("#clone-speak");
    link.hidden = false;
    link.href = `#speak`;
    link.dataset.voice = voiceId;
    sessionStorage.setItem("soundclone.voice", voiceId);
    $("#preview-card").scrollIntoView({ behavior: "smooth", block: "nearest" });
  } catch (problem) {
    fail("#clone-error", problem);
  } finally {
    clearInterval(clock);
    clearInterval(watcher);
    progress.hidden = true;
    $("#clone-go").disabled = false;
  }
}

// ---- voices ---------------------------------------------------------------------------------------

async function openVoices() {
  $("#voices-error").textContent = "";
  try {
    const own = (await get("/api/v1/voices")).data;
    renderOwn(own);
    renderSystem();
  } catch (error) {
    fail("#voices-error", error);
  }
}

function renderOwn(own) {
  const list = $("#own-voices");
  if (!own.length) {
    list.replaceChildren(el("li", { class: "empty" }, "No cloned voices yet. ",
                            el("a", { href: "#clone" }, "Clone a voice")));
    return;
  }
  list.replaceChildren(...own.map((voice) => el("li", { class: "voice" },
    playButton(voice.id, voice.name),
    el("div", { class: "voice-text" },
       el("strong", {}, voice.name),
       el("span", { class: "hint" }, [voice.id !== voice.name ? voice.id : null, `made ${when(voice.created_at)}`,
          voice.quality, voice.expires_at ? `deleted ${when(voice.expires_at)} unless used` : "kept"]
          .filter(Boolean).join(" · "))),
    el("button", { type: "button", class: "danger quiet", "aria-label": `Delete ${voice.name}`,
                   onclick: () => deleteVoice(voice) }, "Delete"))));
}

function renderSystem() {
  const language = $("#system-filter").value;
  const shown = systemVoices.filter((v) => !language || v.language === language);
  $("#system-voices").replaceChildren(...shown.map((voice) => el("li", { class: "voice" },
    playButton(voice.id, voice.name),
    el("div", { class: "voice-text" },
       el("strong", {}, `${voice.name} `), el("code", {}, voice.id),
       el("span", { class: "hint" }, [voice.language, voice.sex, ...traits(voice),
          voice.openai_names.length ? `OpenAI: ${voice.openai_names.join(", ")}` : null].filter(Boolean).join(" · "))))));
}

// The words of a system voice's description that the language and sex do not already say ("bright", "calm").
function traits(voice) {
  return voice.description.split(", ").filter((word) => word !== voice.sex && !word.includes(voice.language));
}

function playButton(voiceId, name) {
  const button = el("button", { type: "button", class: "play", "aria-label": `Play a sample of ${name}` }, "▶");
  button.addEventListener("click", () => playSample(button, voiceId, name));
  return button;
}

let sampleAudio = null;

async function playSample(button, voiceId, name) {
  if (sampleAudio && !sampleAudio.paused) { sampleAudio.pause(); }
  button.disabled = true;
  try {
    let url = previews.get(voiceId) || previews.get(name);
    if (!url) {
      const tasks = (await get("/api/v1/tasks?limit=100")).data;
      url = tasks.find((t) => t.voice_id === voiceId && /Clone|Voice$/.test(t.kind) && t.audio_url)?.audio_url;
    }
    if (!url) {
      const reply = await post(SPEECH_PATH, { model: service.speech_controls.model, text: `Hello, I am ${name}.`,
                                              output_format: "url", voice_setting: { voice_id: voiceId } });
      url = reply.data.audio;
    }
    previews.set(voiceId, url);
    sampleAudio = new Audio(url);
    await sampleAudio.play();
  } catch (error) {
    fail("#voices-error", error);
  } finally {
    button.disabled = false;
  }
}

async function deleteVoice(voice) {
  if (!await confirmDialog(`Delete the voice "${voice.name}"? It cannot be used or made again under this id.`)) return;
  try {
    await del(`/v1/audio/voices/${encodeURIComponent(voice.id)}`);
    await openVoices();
  } catch (error) {
    fail("#voices-error", error);
  }
}

// ---- speak ----------------------------------------------------------------------------------------

let quoteTimer = null;
let quoteCall = null;

async function openSpeak() {
  const select = $("#speak-voice");
  const chosen = sessionStorage.getItem("soundclone.voice") || select.value || "af_heart";
  let own = [];
  try { own = (await get("/api/v1/voices")).data; } catch (error) { fail("#speak-error", error); }
  const groups = [];
  if (own.length) groups.push(el("optgroup", { label: "Your voices" },
    ...own.map((v) => el("option", { value: v.id, selected: v.id === chosen || v.name === chosen }, v.name))));
  groups.push(el("optgroup", { label: "System voices" },
    ...systemVoices.map((v) => el("option", { value: v.id, selected: v.id === chosen },
                                  `${v.name} (${[v.language, v.sex].filter(Boolean).join(", ")})`))));
  select.replaceChildren(...groups);
  requestQuote();
}

function speechBody(stream) {
  const controls = {
    voice_id: $("#speak-voice").value, speed: Number($("#speak-speed").value), vol: Number($("#speak-volume").value),
    pitch: Number($("#speak-pitch").value),
  };
  if ($("#speak-emotion").value) controls.emotion = $("#speak-emotion").value;
  return {
    model: service.speech_controls.model, text: $("#speak-text").value, stream, voice_setting: controls,
    audio_setting: { format: $("#speak-format").value }, language_boost: $("#speak-language").value,
    subtitle_enable: true, subtitle_type: "word",
  };
}

function requestQuote() {
  clearTimeout(quoteTimer);
  quoteTimer = setTimeout(async () => {
    quoteCall?.abort();
    quoteCall = new AbortController();
    const price = $("#speak-price");
    if (!$("#speak-text").value.trim()) {
      $("#speak-count").textContent = "0 characters";
      price.textContent = "";
      return;
    }
    try {
      const quote = await post(QUOTE_PATH, speechBody(false), { signal: quoteCall.signal });
      $("#speak-count").textContent = `${quote.characters.toLocaleString()} billed characters`;
      price.textContent = `Price ${money(quote.total)}` + (quote.charges.length > 1
        ? ` (${quote.charges.map((c) => `${c.config} ${money(c.amount)}`).join(" + ")})` : "");
      price.classList.remove("error");
    } catch (error) {
      if (error.name === "AbortError") return;
      price.textContent = error.message;
      price.classList.add("error");
    }
  }, QUOTE_DELAY_MS);
}

let speaking = null;

async function speak() {
  $("#speak-error").textContent = "";
  speaking?.abort();
  speaking = new AbortController();
  const audio = $("#speak-audio");
  const format = $("#speak-format").value;
  const state = $("#speak-state");
  const download = $("#speak-download");
  download.hidden = true;
  $("#subtitles").replaceChildren(el("p", { class: "empty" }, "Subtitles appear when the whole text is made."));
  const streaming = format === "mp3" && StreamPlayer.supported();
  const player = streaming ? new StreamPlayer(audio) : null;
  const pieces = [];
  const started = performance.now();
  // when playback began and when the last of the audio arrived, in ms from the click (the tests read them)
  delete audio.dataset.playingAt;
  delete audio.dataset.completeAt;
  audio.addEventListener("playing", () => { audio.dataset.playingAt = Math.round(performance.now() - started); },
                         { once: true });
  state.textContent = "Making the audio…";
  $("#speak-go").disabled = true;
  let final = null;
  try {
    await postEvents(SPEECH_PATH, speechBody(true), async (event) => {
      if (event.base_resp && event.base_resp.status_code !== 0) throw new ApiError(event.base_resp.status_msg, 200);
      if (event.data?.status === 1 && event.data.audio) {
        const bytes = hexBytes(event.data.audio);
        pieces.push(bytes);
        if (player) {
          if (!player.started) state.textContent = `Playing while the rest is made (first audio after ${Math.round(performance.now() - started)} ms)…`;
          await player.append(bytes);
        } else {
          state.textContent = `Receiving… ${pieces.length} part(s)`;
        }
      } else if (event.data?.status === 2) {
        final = event;
        audio.dataset.completeAt = Math.round(performance.now() - started);
      }
    }, { signal: speaking.signal });
    if (!final) throw new Error("the stream ended before the audio was complete; try again");
    const whole = hexBytes(final.data.audio);
    const rate = final.extra_info?.audio_sample_rate || 32000;
    const blob = format === "pcm" ? pcmToWav(whole, rate) : new Blob([whole], { type: CONTENT_TYPES[format] });
    if (player) await player.finish();
    else { audio.src = URL.createObjectURL(blob); audio.play().catch(() => {}); }
    download.href = URL.createObjectURL(blob);
    download.download = `speech.${format === "pcm" ? "wav" : format}`;
    download.hidden = false;
    const seconds = (final.extra_info?.audio_length || 0) / 1000;
    state.textContent = `${seconds.toFixed(1)} s of audio, ${final.extra_info?.usage_characters ?? "?"} characters billed.`;
    if (final.data.subtitle_file) await showSubtitles(final.data.subtitle_file);
    requestQuote();
  } catch (error) {
    if (error.name !== "AbortError") {
      fail("#speak-error", error);
      state.textContent = "";
    }
  } finally {
    $("#speak-go").disabled = false;
  }
}

let words = [];

async function showSubtitles(url) {
  const segments = await (await fetch(url)).json();
  const box = $("#subtitles");
  words = [];
  const lines = segments.map((segment) => {
    const spans = (segment.timestamped_words || []).map((w) => {
      const span = el("span", { class: "word", "data-begin": w.time_begin, "data-end": w.time_end }, w.word);
      words.push(span);
      return span;
    });
    const line = el("p", { class: "line" });
    if (spans.length) spans.forEach((span, i) => line.append(i ? " " : "", span));
    else line.textContent = segment.text;
    return line;
  });
  box.replaceChildren(...lines);
  box.dataset.current = "-1";
  highlight();
}

function highlight() {
  const audio = $("#speak-audio");
  const now = audio.currentTime * 1000;
  let current = -1;
  for (let i = 0; i < words.length; i++) {
    if (Number(words[i].dataset.begin) <= now) current = i; else break;
  }
  const box = $("#subtitles");
  if (String(current) === box.dataset.current) return;
  box.querySelector(".word.current")?.classList.remove("current");
  if (current >= 0) words[current].classList.add("current");
  box.dataset.current = String(current);
}

function followPlayback() {
  const audio = $("#speak-audio");
  const loop = () => { highlight(); if (!audio.paused) requestAnimationFrame(loop); };
  audio.addEventListener("play", () => requestAnimationFrame(loop));
  audio.addEventListener("seeked", highlight);
  audio.addEventListener("timeupdate", highlight);
}

// ---- history and account ------------------------------------------------------------------------

const KINDS = { soundCloningClone: "clone (SoundClone)", soundCloningAudio: "speech (SoundClone)",
                minimaxVoiceClone: "clone", minimaxSpeech: "speech", openaiSpeech: "speech (OpenAI)",
                openaiVoice: "clone (OpenAI)", openaiConsent: "consent check", voiceRefine: "voice refinement" };

async function openHistory() {
  $("#history-error").textContent = "";
  try {
    const tasks = (await get("/api/v1/tasks?limit=50")).data;
    $("#history-empty").hidden = tasks.length > 0;
    $("#history-table").hidden = tasks.length === 0;
    $("#history-table tbody").replaceChildren(...tasks.map((task) => el("tr", {},
      el("td", {}, when(task.created_at)),
      el("td", {}, KINDS[task.kind] || task.kind, task.voice_id ? el("span", { class: "hint block" }, task.voice_id) : null,
         task.characters ? el("span", { class: "hint block" }, `${task.characters} characters`) : null),
      el("td", {}, el("span", { class: `status ${task.status}` }, task.status),
         task.error ? el("span", { class: "task-error block" }, task.error) : null),
      el("td", { class: "number" }, money(task.cost)),
      el("td", {}, task.audio_url ? el("a", { href: task.audio_url, download: "" }, "audio") : null,
         task.audio_url && task.subtitles_url ? " · " : null,
         task.subtitles_url ? el("a", { href: task.subtitles_url, download: "" }, "subtitles") : null))));
  } catch (error) {
    fail("#history-error", error);
  }
}

async function openAccount() {
  $("#account-error").textContent = "";
  try {
    account = await get("/api/v1/account");
    $("#account-balance").textContent = money(account.balance);
    $("#account-name").textContent = `Account ${account.id} (${account.name})` +
      (account.clone_enabled ? "" : " · cloning is not enabled for this account");
    const ledger = (await get("/api/v1/account/ledger?limit=50")).data;
    $("#ledger-empty").hidden = ledger.length > 0;
    $("#ledger-table").hidden = ledger.length === 0;
    $("#ledger-table tbody").replaceChildren(...ledger.map((row) => el("tr", {},
      el("td", {}, when(row.created_at)),
      el("td", {}, row.kind, row.charges.length ? el("span", { class: "hint block" },
        row.charges.map((c) => `${c.config} × ${c.quantity.toLocaleString()}`).join(" + ")) : null),
      el("td", { class: `number ${row.amount < 0 ? "minus" : row.amount > 0 ? "plus" : "zero"}` }, money(row.amount)),
      el("td", {}, row.task_id ? el("code", {}, row.task_id) : ""))));
  } catch (error) {
    fail("#account-error", error);
  }
}

// ---- start ----------------------------------------------------------------------------------------

function start() {
  consentSource = makeSource($("#consent-source"));
  sampleSource = makeSource($("#sample-source"));
  $("#signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("#signin-error").textContent = "";
    try {
      await signIn($("#signin-key").value.trim());
      $("#signin-key").value = "";
    } catch (error) {
      $("#signin-error").textContent = error.status === 401
        ? `This key was not accepted: ${error.message}. Check it was copied whole.` : error.message;
    }
  });
  $("#sign-out").addEventListener("click", () => signOut());
  window.addEventListener("soundclone:unauthorized", () => signOut("The key is no longer accepted; sign in again."));
  window.addEventListener("hashchange", () => { route(); $("#main").focus({ preventScroll: true }); });
  $("#consent-language").addEventListener("change", showPhrase);
  $("#consent-check").addEventListener("click", checkConsent);
  $("#clone-go").addEventListener("click", makeVoice);
  $("#clone-speak").addEventListener("click", () => sessionStorage.setItem("soundclone.voice", $("#clone-speak").dataset.voice));
  $("#system-filter").addEventListener("change", renderSystem);
  $("#history-refresh").addEventListener("click", openHistory);
  $("#speak-go").addEventListener("click", speak);
  $("#speak-pause").addEventListener("click", () => {
    const text = $("#speak-text");
    const at = text.selectionStart ?? text.value.length;
    text.setRangeText(` ${PAUSE_MARKER} `, at, text.selectionEnd ?? at, "end");
    text.focus();
    requestQuote();
  });
  for (const id of ["#speak-text", "#speak-voice", "#speak-language", "#speak-emotion", "#speak-speed",
                    "#speak-volume", "#speak-pitch", "#speak-format"]) {
    $(id).addEventListener("input", requestQuote);
  }
  $("#speak-voice").addEventListener("change", () => sessionStorage.setItem("soundclone.voice", $("#speak-voice").value));
  followPlayback();
  if (session.key) signIn(session.key).catch((error) => signOut(error.message));
  else show("signin");
}

start();
