// The voicebot web page: call a dialog over WebRTC and watch the call's live events.
// Plain JavaScript, no build step. Talks to POST /webrtc/offer, GET /api/dialogs and
// the WebSocket /ws/calls/{call_id}.
"use strict";

const $ = (id) => document.getElementById(id);
const ui = {
  dialog: $("dialog"), call: $("call"), hangup: $("hangup"), status: $("status"), error: $("error"),
  transcript: $("transcript"), partial: $("partial"), state: $("state"), intent: $("intent"),
  slots: $("slots"), latency: document.querySelector("#latency tbody"), audio: $("remote-audio"),
  keypad: $("keypad"),
};

// ?record=1 keeps what the browser heard so a test can read it back (window.voicebotPage.recording())
const RECORD = new URLSearchParams(location.search).has("record");

let call = null; // {pc, mic, dtmf, control, ws, callId, recorder}

function setStatus(text) { ui.status.textContent = text; }

function showError(text) {
  ui.error.textContent = text;
  ui.error.hidden = !text;
}

function setInCall(inCall) {
  ui.call.disabled = inCall || ui.dialog.options.length === 0;
  ui.dialog.disabled = inCall;
  ui.hangup.disabled = !inCall;
  for (const key of ui.keypad.querySelectorAll("button")) key.disabled = !inCall;
}

function addLine(kind, who, text) {
  const item = document.createElement("li");
  item.className = kind;
  const label = document.createElement("span");
  label.className = "who";
  label.textContent = who;
  item.append(label, document.createTextNode(text));
  ui.transcript.append(item);
  item.scrollIntoView({ block: "nearest" });
  return item;
}

function microphoneMessage(err) {
  switch (err && err.name) {
    case "NotAllowedError":
    case "SecurityError":
      return "Microphone access was denied. Allow the microphone for this site (the icon in the address bar) and press Call again.";
    case "NotFoundError":
    case "OverconstrainedError":
      return "No microphone was found. Connect a microphone or headset and press Call again.";
    case "NotReadableError":
      return "The microphone is in use by another application or could not be started.";
    default:
      return `Could not open the microphone: ${err && err.message ? err.message : err}`;
  }
}

async function loadDialogs() {
  try {
    const response = await fetch("/api/dialogs");
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const body = await response.json();
    ui.dialog.replaceChildren();
    for (const { name } of body.dialogs) {
      const option = new Option(name, name, false, name === body.default);
      ui.dialog.append(option);
    }
    if (body.dialogs.length === 0) {
      showError("The server has no dialogs loaded. Add a YAML file under dialogs/ and restart it.");
    }
  } catch (err) {
    showError(`Could not load the dialog list: ${err.message}`);
  }
  setInCall(false);
}

function waitForIceGathering(pc, timeoutMs) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { pc.removeEventListener("icegatheringstatechange", check); resolve(); };
    const check = () => { if (pc.iceGatheringState === "complete") done(); };
    pc.addEventListener("icegatheringstatechange", check);
    setTimeout(done, timeoutMs); // the server does not trickle either: send what we have by then
  });
}

// Records the bot's audio as 16-bit PCM at the AudioContext's rate (for tests, ?record=1).
function startRecorder(stream) {
  const context = new AudioContext({ sampleRate: 48000 });
  const source = context.createMediaStreamSource(stream);
  const processor = context.createScriptProcessor(4096, 1, 1);
  const chunks = [];
  processor.onaudioprocess = (event) => {
    const input = event.inputBuffer.getChannelData(0);
    const pcm = new Int16Array(input.length);
    for (let i = 0; i < input.length; i++) pcm[i] = Math.max(-1, Math.min(1, input[i])) * 32767;
    chunks.push(pcm);
  };
  source.connect(processor);
  processor.connect(context.destination); // a ScriptProcessor only runs when connected
  return { context, chunks, sampleRate: context.sampleRate };
}

function recordingAsBase64(recorder) {
  if (!recorder) return null;
  const total = recorder.chunks.reduce((n, c) => n + c.length, 0);
  const all = new Int16Array(total);
  let offset = 0;
  for (const chunk of recorder.chunks) { all.set(chunk, offset); offset += chunk.length; }
  const bytes = new Uint8Array(all.buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return { sampleRate: recorder.sampleRate, samples: btoa(binary) };
}

async function startCall() {
  showError("");
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    showError("This page needs microphone access, which browsers allow only over HTTPS or on localhost.");
    return;
  }
  let mic;
  setStatus("Opening the microphone…");
  try {
    mic = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
  } catch (err) {
    setStatus("Not connected");
    showError(microphoneMessage(err));
    return;
  }
  ui.transcript.replaceChildren();
  ui.partial.textContent = "";
  ui.latency.replaceChildren();
  renderState({ state: "—", intent: null, slots: {} });

  const pc = new RTCPeerConnection({ iceServers: [] });
  const dtmf = pc.createDataChannel("dtmf");
  const control = pc.createDataChannel("control");
  call = { pc, mic, dtmf, control, ws: null, callId: null, recorder: null };
  window.voicebotPage.recorder = null;
  for (const track of mic.getTracks()) pc.addTrack(track, mic);
  setInCall(true);

  pc.addEventListener("track", (event) => {
    const stream = event.streams[0] || new MediaStream([event.track]);
    ui.audio.srcObject = stream;
    if (RECORD && call && !call.recorder) {
      call.recorder = startRecorder(stream);
      window.voicebotPage.recorder = call.recorder;
    }
  });
  pc.addEventListener("connectionstatechange", () => {
    if (pc.connectionState === "connected") setStatus(`In call ${call ? call.callId : ""}`);
    if (pc.connectionState === "failed") endCall("The connection to the server failed.", true);
  });
  control.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "hangup") endCall("The bot ended the call.", false);
    if (message.type === "transfer") addLine("note", "", `Transfer requested to ${message.reason}`);
  });

  try {
    setStatus("Connecting…");
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc, 3000);
    const response = await fetch("/webrtc/offer", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sdp: pc.localDescription.sdp, type: pc.localDescription.type, dialog: ui.dialog.value }),
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new Error(body.detail || `${response.status} ${response.statusText}`);
    }
    const answer = await response.json();
    if (!call || call.pc !== pc) return; // hung up while connecting
    call.callId = answer.call_id;
    window.voicebotPage.callId = answer.call_id;
    await pc.setRemoteDescription({ sdp: answer.sdp, type: answer.type });
    openEvents(answer.call_id);
  } catch (err) {
    endCall(`Could not start the call: ${err.message}`, true);
  }
}

function openEvents(callId) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${scheme}://${location.host}/ws/calls/${encodeURIComponent(callId)}`);
  call.ws = ws;
  ws.addEventListener("message", (event) => handleEvent(JSON.parse(event.data)));
}

function renderState(event) {
  ui.state.textContent = event.state || "—";
  ui.intent.textContent = event.intent ? `${event.intent}${event.confidence != null ? ` (${Number(event.confidence).toFixed(2)})` : ""}` : "—";
  ui.slots.replaceChildren();
  for (const [name, value] of Object.entries(event.slots || {})) {
    const term = document.createElement("dt");
    term.textContent = name;
    const detail = document.createElement("dd");
    detail.textContent = value;
    ui.slots.append(term, detail);
  }
}

function renderLatency(event) {
  const ms = event.latency_ms || {};
  const row = document.createElement("tr");
  for (const value of [event.turn, ms.turn, ms.endpoint, ms.asr, ms.dialog, ms.tts]) {
    const cell = document.createElement("td");
    cell.textContent = value == null ? "—" : value;
    row.append(cell);
  }
  ui.latency.append(row);
}

function handleEvent(event) {
  window.voicebotPage.events.push(event);
  switch (event.type) {
    case "transcript":
      if (event.kind === "final") {
        ui.partial.textContent = "";
        if (event.text) addLine("caller final", "You", event.text);
      } else {
        ui.partial.textContent = event.text;
      }
      break;
    case "bot_speech":
      addLine("bot", "Bot", event.text);
      break;
    case "dialog_state":
      renderState(event);
      break;
    case "barge_in":
      addLine("note", "", "You interrupted the bot.");
      break;
    case "turn_metrics":
      renderLatency(event);
      break;
    case "call_ended":
      addLine("note", "", `Call ended: ${event.reason || event.outcome}`);
      endCall(null, false);
      break;
    case "error":
      showError(event.message);
      break;
  }
}

function endCall(message, isError) {
  if (!call) return;
  const { pc, mic, control, ws } = call;
  if (control.readyState === "open" && pc.connectionState !== "closed") {
    control.send(JSON.stringify({ type: "hangup", reason: "caller hangup" }));
  }
  // close the media shortly after, so the hangup message leaves first
  setTimeout(() => pc.close(), 200);
  for (const track of mic.getTracks()) track.stop();
  if (ws && ws.readyState === WebSocket.OPEN) setTimeout(() => ws.close(), 1000);
  if (call.recorder) call.recorder.context.suspend();
  call = null;
  setInCall(false);
  setStatus("Not connected");
  if (message && isError) showError(message);
  else if (message) addLine("note", "", message);
}

ui.call.addEventListener("click", startCall);
ui.hangup.addEventListener("click", () => endCall("You hung up.", false));
ui.keypad.addEventListener("click", (event) => {
  const key = event.target.dataset && event.target.dataset.key;
  if (!key || !call || call.dtmf.readyState !== "open") return;
  call.dtmf.send(key);
  addLine("note", "", `You pressed ${key}`);
});

// The call's ICE as this browser sees it: the SDP offer and answer, and the addresses of the
// candidate pair carrying the media (from getStats); null when no call is up.
async function iceReport() {
  if (!call) return null;
  const { pc } = call;
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((s) => {
    if (s.type === "transport" && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  });
  const end = (id) => {
    const c = id ? stats.get(id) : null;
    return c ? { address: c.address, port: c.port, type: c.candidateType } : null;
  };
  return {
    offer: pc.localDescription ? pc.localDescription.sdp : null,
    answer: pc.remoteDescription ? pc.remoteDescription.sdp : null,
    local: end(pair && pair.localCandidateId),
    remote: end(pair && pair.remoteCandidateId),
  };
}

// What tests read back: the call id, every event received, the recorded bot audio, the ICE pair.
window.voicebotPage = {
  callId: null,
  events: [],
  recorder: null,
  recording() { return recordingAsBase64(this.recorder); },
  ice: iceReport,
};

loadDialogs();
