"""FAQ pairs from a dialog's `faq:` section: inline question/answer pairs and/or a Markdown file
(`## question` headings, parsed by voicebot.nlu.faq)."""

from __future__ import annotations

from pathlib import Path

from voicebot.dialog.schema import FaqSpec


def faq_pairs(spec: FaqSpec | None, base_dir: Path) -> list[tuple[str, str]]:
    """All question/answer pairs; raises voicebot.nlu.errors.NluDataError for a bad file."""
    if spec is None:
        return []
    pairs = [(entry.question, entry.answer) for entry in spec.entries]
    if spec.file:
        from voicebot.nlu.faq import load_faq_markdown

        pairs += load_faq_markdown(base_dir / spec.file)
    return pairs
