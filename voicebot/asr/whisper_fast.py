"""The fast Whisper engine: CTranslate2 on short log-Mel input instead of 30 s of padding.

faster-whisper's `transcribe` pads every utterance to 30 s of Mel frames, so tiny.en costs about
0.35 s however short the speech. CTranslate2's encoder also takes the real length, which for a
2 s clip is an order of magnitude cheaper. The price: without the long silent tail the decoder
tends to start the utterance over ("my balance. my balance. my") or stop early. What fixed it on
tests/fixtures/speech (WER equal to padded decoding on Piper and G.711 audio):
  * 0.3 s of silence appended before the Mel transform, a place for the speech to end;
  * greedy decoding with the tokens capped by duration, in two steps, so a loop is caught after
    ~4.5 tokens/s and only speech that is still going gets up to 7 tokens/s;
  * repetitions cut (`voicebot.asr.repetition`);
  * no temperature fallback (it re-decodes noisy clips for seconds); instead a final whose average
    log-prob is below -0.7, with under 1 token per second of audio, or with a repeat that only the
    cap would have cut, is decoded once more on input padded to 10 s with beam search and the surer
    text kept (3 of 48 Piper clips, 10 of 48 espeak) -- unless other callers' finals are waiting
    for a decoder (`busy`), when it would delay each of them by a few fast decodes;
  * non-speech tokens suppressed; digital silence skipped (Whisper "hears" it as "you").
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
import numpy as np

from voicebot.asr.hypothesis import Hypothesis
from voicebot.asr.recognizer import check_audio, duration_of
from voicebot.asr.repetition import (
    cut_repetitions,
    find_repetition,
    split_words,
    token_budget,
    word_key,
)
from voicebot.asr.whisper_tokens import feature_extractor_for, load_tokenizer
from voicebot.audio.frame import ENGINE_RATE
from voicebot.models.errors import ModelLoadError

MIN_SAMPLES = ENGINE_RATE // 10  # under 0.1 s there is nothing to recognize
WINDOW_SAMPLES = 30 * ENGINE_RATE  # Whisper's encoder sees at most 30 s at once
WINDOW_FRAMES = 3000  # Mel frames in 30 s
SILENCE_PEAK = 10 / 32768  # peaks below -70 dBFS: nothing was said


@dataclass(frozen=True, slots=True)
class FastDecodeOptions:
    """How the fast engine decodes; the defaults are what measured best on tests/fixtures/speech."""

    first_tokens_per_second: float = 4.5  # step one: enough for most speech, stops loops early
    max_tokens_per_second: float = 7.0  # step two, only when step one was cut off mid-speech
    extra_tokens: int = 3
    tail_padding_s: float = 0.3  # silence appended before the Mel transform: a place to end
    repetition_penalty: float = 1.0
    beam_size: int = 1
    # a final whose average token log-prob is below this is decoded again on 30 s padded input
    # (None: never); costs one padded decode, only on the clips the fast path is unsure of
    fallback_log_prob: float | None = -0.7
    # ...and so is one with fewer tokens than this per second of audio (the decoder stopped early)
    fallback_min_tokens_per_second: float = 1.0
    fallback_beam_size: int = 5  # beam search pays off where greedy was unsure
    # the re-decode pads to this much audio, not 30 s: same WER on tests/fixtures/speech (Piper,
    # G.711, espeak) at a third of the cost (~260 ms instead of ~850 ms for a short clip here)
    fallback_window_s: float = 10.0
    # faster-whisper's silence rule: no-speech probability above this and log-prob below the next
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0


@dataclass(frozen=True, slots=True)
class _Decoded:
    text: str
    tokens: int
    avg_log_prob: float
    no_speech_prob: float


class WhisperRecognizer:
    """Recognizer on a faster-whisper (CTranslate2) model directory; thread-safe.

    `workers` decodes may run at once (CTranslate2 inter_threads), each on `cpu_threads` threads.
    """

    def __init__(
        self,
        model_dir: str | Path,
        *,
        device: str = "cpu",
        compute_type: str = "int8",
        workers: int = 1,
        cpu_threads: int = 1,
        language: str = "en",
        options: FastDecodeOptions | None = None,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.options = options or FastDecodeOptions()
        try:
            self._model = ctranslate2.models.Whisper(
                str(self.model_dir),
                device=device,
                compute_type=compute_type,
                inter_threads=workers,
                intra_threads=cpu_threads,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelLoadError(
                f"CTranslate2 could not load the Whisper model at {self.model_dir}: {exc}"
            ) from exc
        self._tokenizer = load_tokenizer(
            self.model_dir, multilingual=self._model.is_multilingual, language=language
        )
        self._features = feature_extractor_for(self._model.n_mels)
        self._prompt = [*self._tokenizer.sot_sequence, self._tokenizer.no_timestamps]
        self._suppress = [-1, *self._tokenizer.non_speech_tokens]
        self._stats_lock = threading.Lock()
        self.decodes = 0  # final decodes, and how many of them fell back to padded input
        self.fallbacks = 0
        self.fallbacks_skipped = 0  # unsure finals kept as they were because the pool was busy

    def transcribe(
        self, audio: np.ndarray, *, final: bool = True, busy: bool = False
    ) -> Hypothesis:
        started = time.perf_counter()
        samples = check_audio(audio)
        duration = duration_of(audio)
        texts: list[str] = []
        log_probs: list[float] = []
        for offset in range(0, max(len(samples), 1), WINDOW_SAMPLES):
            window = samples[offset : offset + WINDOW_SAMPLES]
            if len(window) < MIN_SAMPLES or np.abs(window).max() < SILENCE_PEAK:
                continue  # too short, or digital silence that Whisper would "hear" as "you"
            decoded = self._decode_window(window, final=final, busy=busy)
            if final:
                with self._stats_lock:
                    self.decodes += 1
            if decoded.text:
                texts.append(decoded.text)
                log_probs.append(decoded.avg_log_prob)
        confidence = math.exp(sum(log_probs) / len(log_probs)) if log_probs else 0.0
        return Hypothesis(
            text=" ".join(texts),
            is_final=final,
            confidence=min(1.0, confidence),
            start=0.0,
            end=duration,
            decode_seconds=time.perf_counter() - started,
        )

    def _encode(
        self, samples: np.ndarray, *, window_s: float | None = None
    ) -> ctranslate2.StorageView:
        if window_s is not None:  # zeros up to `window_s` (faster-whisper: always 30 s)
            window = min(
                WINDOW_SAMPLES, max(round(window_s * ENGINE_RATE), len(samples) + ENGINE_RATE)
            )
            frames = window * WINDOW_FRAMES // WINDOW_SAMPLES
            mel = self._features(samples, padding=window)[:, :frames]
            mel = mel[:, : mel.shape[1] // 2 * 2]
        else:
            padding = max(160, int(self.options.tail_padding_s * ENGINE_RATE))
            mel = self._features(samples, padding=padding)
            mel = mel[:, : mel.shape[1] // 2 * 2]  # the stride-2 convolution wants an even count
        return self._model.encode(
            ctranslate2.StorageView.from_array(np.ascontiguousarray(mel[None]))
        )

    def _generate(
        self, encoded: ctranslate2.StorageView, prefix: list[int], budget: int, beam_size: int = 0
    ) -> ctranslate2.models.WhisperGenerationResult:
        """Greedy decode after the prompt and `prefix`, at most `budget` new tokens."""
        return self._model.generate(
            encoded,
            [self._prompt + prefix],
            beam_size=beam_size or self.options.beam_size,
            # measured on CTranslate2 4.8: Whisper's decoder returns at most max_length // 2 tokens
            # (prefix included), like OpenAI's sample_len = n_text_ctx // 2
            max_length=2 * (len(prefix) + budget) + 1,
            return_scores=True,
            return_no_speech_prob=not prefix,
            suppress_blank=not prefix,
            suppress_tokens=self._suppress,
            repetition_penalty=self.options.repetition_penalty,
        )[0]

    def _decode_window(self, samples: np.ndarray, *, final: bool, busy: bool) -> _Decoded:
        opts = self.options
        duration = len(samples) / ENGINE_RATE
        decoded = self._decode(self._encode(samples), duration, final=final)
        if not (final and decoded.text and opts.fallback_log_prob is not None):
            return decoded
        unsure = decoded.avg_log_prob < opts.fallback_log_prob
        too_short = (
            duration >= 1.0 and decoded.tokens < opts.fallback_min_tokens_per_second * duration
        )
        # a restart that stopped just under the cap ("4 5 6 6 6 4 5 6 6" for 1.5 s of "four five
        # six six"): a caller may really repeat digits, so the padded decode decides
        looks_looped = self._looks_looped(decoded.text)
        if not (unsure or too_short or looks_looped):
            return decoded
        if busy:
            # a padded decode costs a few fast ones: with other callers' finals waiting it would
            # delay every one of them (40 identical short "Goodbye."s backed the pool up 6 s)
            with self._stats_lock:
                self.fallbacks_skipped += 1
            return decoded
        # decode once more the slow, padded way and keep the surer (or, if cut short, longer) text
        with self._stats_lock:
            self.fallbacks += 1
        padded = self._decode(
            self._encode(samples, window_s=opts.fallback_window_s),
            duration,
            final=True,
            beam_size=opts.fallback_beam_size,
        )
        # a sure enough padded text wins when it fixed what was wrong: longer, or no repeat
        fixed = (too_short and padded.tokens > decoded.tokens) or (
            looks_looped and padded.text and not self._looks_looped(padded.text)
        )
        if fixed and padded.avg_log_prob > opts.log_prob_threshold:
            return padded
        return padded if padded.avg_log_prob > decoded.avg_log_prob else decoded

    def _decode(
        self, encoded: ctranslate2.StorageView, duration: float, *, final: bool, beam_size: int = 0
    ) -> _Decoded:
        opts = self.options
        budget = token_budget(
            duration, tokens_per_second=opts.first_tokens_per_second, extra=opts.extra_tokens
        )
        first = self._generate(encoded, [], budget, beam_size)
        tokens = self._text_tokens(first.sequences_ids[0])
        log_prob_sum = first.scores[0] * (len(tokens) + 1)  # the score averages over tokens and EOT
        capped = len(tokens) >= budget
        if capped and final and not self._looks_looped(self._tokenizer.decode(tokens)):
            # cut off mid-speech, not looping: decode on from where step one stopped
            full = token_budget(
                duration, tokens_per_second=opts.max_tokens_per_second, extra=opts.extra_tokens
            )
            if full > len(tokens):
                more = self._generate(encoded, tokens, full - len(tokens), beam_size)
                new_tokens = self._text_tokens(more.sequences_ids[0])[len(tokens) :]
                log_prob_sum += more.scores[0] * (len(new_tokens) + 1)
                capped = len(new_tokens) >= full - len(tokens)
                tokens = tokens + new_tokens
        avg_log_prob = log_prob_sum / (len(tokens) + 1)
        if (
            first.no_speech_prob > opts.no_speech_threshold
            and avg_log_prob < opts.log_prob_threshold
        ):
            return _Decoded("", 0, avg_log_prob, first.no_speech_prob)
        text, was_cut = cut_repetitions(self._tokenizer.decode(tokens), capped=capped)
        kept = len(tokens) if not was_cut else len(self._tokenizer.encode(" " + text))
        return _Decoded(text, kept, avg_log_prob, first.no_speech_prob)

    @staticmethod
    def _looks_looped(text: str) -> bool:
        """A repetition that would be cut had the decode hit its cap (numeric repeats included)."""
        return find_repetition([word_key(w) for w in split_words(text)], capped=True) is not None

    def _text_tokens(self, ids: list[int]) -> list[int]:
        eot = self._tokenizer.eot
        return [t for t in ids if t < eot]
