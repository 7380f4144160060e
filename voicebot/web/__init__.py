"""The web page served at `/`: plain HTML, CSS and JavaScript, no build step."""

from pathlib import Path

WEB_DIR = Path(__file__).parent
