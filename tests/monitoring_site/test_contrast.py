"""Text on the dashboard and the public status page is readable: every text colour against the
background it is drawn on has a contrast ratio of at least 4.5:1 (WCAG AA), in the light and the dark
theme. The colours are read from app.css itself, so a palette change that breaks this fails here."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "static" / "monitoring_site" / "app.css").read_text()

# (what, text colour, background): var(--x) names or literal colours, as app.css draws them
PAIRS = [
    ("body text", "--fg", "--bg"),
    ("text in a card or table", "--fg", "--panel"),
    ("muted text", "--muted", "--bg"),
    ("muted text in a card", "--muted", "--panel"),
    ("muted text on a hovered row", "--muted", "--hover"),
    ("links", "--accent", "--bg"),
    ("links in a card", "--accent", "--panel"),
    ("up / ok", "--ok", "--panel"),
    ("down / error", "--bad", "--panel"),
    ("degraded / late", "--warn", "--panel"),
    ("up pill", "--ok", "--okbg"),
    ("down pill", "--bad", "--badbg"),
    ("degraded pill", "--warn", "--warnbg"),
    ("error flash", "--bad", "--badbg"),
    ("chip", "--fg", "--code"),
    ("code", "--fg", "--code"),
    ("buttons", "--button-fg", "--accent"),
    ("chosen chip or range", "--button-fg", "--accent"),
    ("the pressed button", "#fff", "#1e40af"),
    ("top bar", "#e5e7eb", "#111827"),
    ("live pill", "--live-fg", "--live-bg"),
    ("reconnecting pill", "#e5e7eb", "#374151"),
    ("job log", "#e2e8f0", "#0f172a"),
    ("status page: operational", "#fff", "--overall-ok"),
    ("status page: partial outage or maintenance", "#fff", "--overall-warn"),
    ("status page: major outage", "#fff", "--overall-bad"),
    ("status page: unknown", "#fff", "#64748b"),
]


def _block(selector: str) -> str:
    start = CSS.index(selector)
    return CSS[CSS.index("{", start + len(selector) - 1) + 1 : CSS.index("}", start)]


VARIABLE = r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})"


def _palette(dark: bool) -> dict[str, str]:
    found = dict(re.findall(VARIABLE, _block(":root {")))
    if dark:
        found.update(re.findall(VARIABLE, _block(':root[data-theme="dark"] {')))
    return found


def _luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_formula():
    assert round(contrast("#000", "#fff"), 1) == 21.0 and contrast("#777", "#777") == 1.0


def test_the_dark_media_query_and_the_toggle_agree():
    """prefers-color-scheme: dark and the toggle's data-theme="dark" set the same palette."""
    media = dict(re.findall(VARIABLE, _block(":root:not([data-theme=")))
    toggle = dict(re.findall(VARIABLE, _block(':root[data-theme="dark"] {')))
    assert media == toggle and len(media) > 10


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_every_text_colour_has_contrast_4_5(dark):
    colours = _palette(dark)
    failing = []
    for what, fg, bg in PAIRS:
        text, ground = colours.get(fg, fg), colours.get(bg, bg)
        assert text.startswith("#") and ground.startswith("#"), (what, fg, bg, "not in app.css")
        ratio = contrast(text, ground)
        if ratio < 4.5:
            failing.append(f"{what}: {text} on {ground} is {ratio:.2f}:1")
    assert failing == []
