"""One share image per language: the campaign's name in its script, and the address.

Link previews show an image beside the title; the campaign has no logo or
photograph in its material, so the image is typographic: the name in the
language's own script (Noto Sans CJK, whose faces also carry Latin, Greek
and Cyrillic) and the site's address, white on the theme's accent colour.
It is drawn with Pillow's basic layout engine (FreeType, bundled in the
pinned wheel: no shaping library of the machine is used), as a 16-colour
palette PNG without metadata, so one set of fonts and versions gives the
same bytes on every machine, and the file stays well under 100 KB.
"""

import io
import unicodedata

from babel import Locale
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND = (0xA3, 0x00, 0x1A)  # the theme's --accent
FOREGROUND = (0xFF, 0xFF, 0xFF)
LEVELS = 16
# Which face of the Noto Sans CJK collection is drawn for which writing:
# (language, script, territory) -> the last word of the face's family name.
# The first match wins; other languages get the collection's first face.
FACES = [
    ("zh", "Hant", "HK", "HK"),
    ("zh", "Hant", None, "TC"),
    ("zh", "Hans", None, "SC"),
    ("zh", None, "HK", "HK"),
    ("zh", None, "TW", "TC"),
    ("zh", None, None, "SC"),
    ("ja", None, None, "JP"),
    ("ko", None, None, "KR"),
]


class ShareImageError(RuntimeError):
    """The font is missing or cannot draw the text."""


def face_index(path, locale_id):
    """Index of the face in the collection at `path` designed for `locale_id`."""
    locale = Locale.parse(locale_id)
    wanted = None
    for language, script, territory, suffix in FACES:
        if language == locale.language and script in (None, locale.script) \
                and territory in (None, locale.territory):
            wanted = suffix
            break
    if wanted is None:
        return 0
    index = 0
    while True:
        try:
            family, _style = ImageFont.truetype(path, 20, index=index).getname()
        except OSError:
            return 0
        if family.split()[-1] == wanted and "Mono" not in family:
            return index
        index += 1


def font(path, index, size):
    try:
        return ImageFont.truetype(path, size, index=index, layout_engine=ImageFont.Layout.BASIC)
    except OSError as exc:
        raise ShareImageError(f"cannot open the font {path} ({exc}); install the Debian package "
                              f"fonts-noto-cjk or set DISCOVERY['share_font']") from exc


def drawn(face, char):
    side = int(face.size * 2)
    image = Image.new("L", (side, side), 0)
    ImageDraw.Draw(image).text((0, 0), char, font=face, fill=255)
    return image.tobytes()


def missing_glyphs(face, text):
    """Characters of `text` the face has no glyph for (it would draw its empty box)."""
    notdef = drawn(face, "\U0010FFFD")  # a private-use code point: no font has it
    return sorted({ch for ch in text if not ch.isspace() and drawn(face, ch) == notdef})


def breakable(previous, char):
    """A line may break before `char`: after a space, or between wide (CJK) characters."""
    if previous.isspace():
        return True
    wide = unicodedata.east_asian_width(char) in "WF" and unicodedata.category(char)[0] == "L"
    return wide and unicodedata.east_asian_width(previous) in "WF"


def wrap(face, text, width):
    """Lines of `text` no wider than `width` (a single over-long word is kept whole)."""
    lines, line, start = [], "", 0
    pieces = []
    for position in range(1, len(text) + 1):
        if position == len(text) or breakable(text[position - 1], text[position]):
            pieces.append(text[start:position])
            start = position
    for piece in pieces:
        trial = line + piece
        if line and face.getlength(trial.rstrip()) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line = trial
    if line.strip():
        lines.append(line.rstrip())
    return lines


def render(title, address, font_path, locale_id):
    """PNG bytes of the share image."""
    index = face_index(font_path, locale_id)
    width = WIDTH - 2 * MARGIN
    for size in range(84, 30, -4):
        title_face = font(font_path, index, size)
        lines = wrap(title_face, title, width)
        line_height = int(size * 1.3)
        if len(lines) * line_height <= HEIGHT - 2 * MARGIN - 90:
            break
    address_face = font(font_path, index, 36)
    missing = missing_glyphs(title_face, title + address)
    if missing:
        raise ShareImageError(f"the font {font_path} has no glyph for {''.join(missing)!r}")
    coverage = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(coverage)
    y = MARGIN
    for line in lines:
        draw.text((MARGIN, y), line, font=title_face, fill=255)
        y += line_height
    draw.rectangle((MARGIN, HEIGHT - MARGIN - 70, MARGIN + 120, HEIGHT - MARGIN - 64), fill=255)
    draw.text((MARGIN, HEIGHT - MARGIN - 44), address, font=address_face, fill=255)
    # 16 levels of coverage, each a blend of the two colours: a 4-bit palette.
    image = coverage.point(lambda value: (value * (LEVELS - 1) + 127) // 255).convert("P")
    palette = []
    for level in range(LEVELS):
        palette += [round(b + (f - b) * level / (LEVELS - 1)) for b, f in zip(BACKGROUND, FOREGROUND)]
    image.putpalette(palette)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True, bits=4)
    return out.getvalue()
