"""Load every dialog the server offers, or refuse to start with the checker's messages."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

from voicebot.dialog import DialogError, YamlDialog, load_dialog


def dialog_paths(dialogs_dir: Path, default_dialog: str) -> list[Path]:
    """`dialogs_dir/*.yaml` plus the default dialog, which may live elsewhere."""
    paths = sorted(dialogs_dir.glob("*.yaml")) if dialogs_dir.is_dir() else []
    default = Path(default_dialog)
    if default.suffix not in (".yaml", ".yml"):
        default = dialogs_dir / f"{default_dialog}.yaml"
    if default.resolve() not in {p.resolve() for p in paths}:
        paths.append(default)
    return paths


def load_dialogs(
    paths: list[Path], *, http: httpx.AsyncClient, variables: Mapping[str, Any]
) -> dict[str, YamlDialog]:
    """Name -> dialog (the file's stem). Raises DialogError with every broken file's messages."""
    dialogs: dict[str, YamlDialog] = {}
    problems: list[str] = []
    for path in paths:
        if not path.exists():
            problems.append(f"{path}: no such dialog file")
            continue
        try:
            dialogs[path.stem] = load_dialog(path, http=http, base_url_vars=variables)
        except DialogError as exc:
            problems.extend(exc.messages)
    if problems:
        raise DialogError(problems)
    return dialogs
