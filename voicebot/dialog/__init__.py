"""voicebot.dialog: the YAML dialog language, its checker and its runtime.

    load_dialog(path, *, http=None, base_url_vars=None, clock=None, now=None) -> YamlDialog
    check_files(paths) -> list[Problem]
    dialog_json_schema() -> dict

The protocol types the engine uses live in voicebot.dialog.protocol.
"""

from voicebot.dialog.checker import check_file, check_files
from voicebot.dialog.errors import DialogError, Problem
from voicebot.dialog.runtime import YamlDialog, load_dialog
from voicebot.dialog.schema import dialog_json_schema

__all__ = [
    "DialogError",
    "Problem",
    "YamlDialog",
    "check_file",
    "check_files",
    "dialog_json_schema",
    "load_dialog",
]
