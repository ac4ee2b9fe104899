"""Normalisation and de-obfuscation for the rules layer.

``variants`` turns misspellings of attack words (``safety.typos``), leetspeak, s p a c e d letters,
base64 payloads, Morse code and (when the text mentions it) ROT13 back into plain text, so the
same rules can check it again.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata

from safety.typos import corrected

_I = re.IGNORECASE

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "l",
    }
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}|[A-Za-z0-9_-]{24,}={0,2}")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_ZERO_WIDTH)
    text = text.replace("\\n", "\n").replace("’", "'")
    return re.sub(r"[ \t\r\f\v]+", " ", text)


_SPACED_RUN = re.compile(r"\b(?:\w ){3,}\w\b")


def _spaced_letters(text: str) -> str | None:
    """'I g n o r e   a l l' -> 'Ignore all': runs of single spaced characters are joined."""
    joined = _SPACED_RUN.sub(lambda m: m.group(0).replace(" ", ""), text)
    return joined if joined != text else None


_MORSE_CODES = (
    ".- -... -.-. -.. . ..-. --. .... .. .--- -.- .-.. -- -. --- .--. --.- .-. ... - ..- ...- "
    ".-- -..- -.-- --.. ----- .---- ..--- ...-- ....- ..... -.... --... ---.. ----."
)
_MORSE = dict(zip(_MORSE_CODES.split(" "), "abcdefghijklmnopqrstuvwxyz0123456789", strict=True))


def _morse(text: str) -> str | None:
    """Morse code (letters split by spaces, words by 2+ spaces or '/') decoded, else None."""
    code = re.sub(r"[^.\-/ ]", "", text)
    if len(code) < 20 or len(code) < 0.8 * len(text.strip()):
        return None
    words = re.split(r"\s*/\s*|\s{2,}", code.strip())
    return " ".join("".join(_MORSE.get(letter, "") for letter in w.split()) for w in words)


def _decoded_payloads(text: str) -> list[str]:
    out: list[str] = []
    for match in _BASE64.finditer(text):
        token = match.group(0)
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_")
            decoded = raw.decode("utf-8")
        except (binascii.Error, ValueError):
            continue
        printable = sum(ch.isprintable() or ch.isspace() for ch in decoded)
        if decoded and printable / len(decoded) > 0.95 and " " in decoded:
            out.append(decoded)
    return out


def variants(text: str, raw: str) -> list[tuple[str, str]]:
    """(suffix for the reason, text) pairs to check beyond the normalised text itself.

    ``raw`` keeps the original spacing, which spaced letters and Morse code need.
    """
    variants: list[tuple[str, str]] = []
    fixed = corrected(text)
    if fixed:
        variants.append(("typos", fixed))
    if re.search(r"[a-z][0-9@$|][a-z]|[0-9][a-z]{2}", text, _I):
        variants.append(("leetspeak", text.translate(_LEET)))
    spaced = _spaced_letters(raw)
    if spaced:
        variants.append(("spaced_letters", spaced))
    variants += [("base64", decoded) for decoded in _decoded_payloads(text)]
    morse = _morse(raw)
    if morse:
        variants.append(("morse", morse))
    if re.search(r"\brot-?13\b", text, _I):
        variants.append(("rot13", codecs.decode(text, "rot13")))
    return variants
