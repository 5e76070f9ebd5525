"""Draws the site's static pictures: the default sharing image, the favicon and the touch icon.

    .venv/bin/python -m scripts.make_brand_images

Writes static/img/sharing-default.png (1200×630, what Facebook, Messenger and X show for a page
with no picture of its own), static/img/favicon.ico (16 and 32 px) and
static/img/apple-touch-icon.png (180 px). The results are committed; run this again only to
change them. The drawing follows templates/illustrations/hope.svg and the site's colours. The
words are drawn with DejaVu Sans when the machine has it (Debian's fonts-dejavu), otherwise with
Pillow's own font: no font is shipped to visitors.
"""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "static" / "img"
NAVY, NAVY_SOFT, RED, GOLD, WHITE = "#0b2545", "#13315c", "#b3261e", "#ffbf47", "#ffffff"
DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

ORGANISATION = "IJM Philippines"
HEADLINE = ["Ending the online", "sexual exploitation", "of children"]
LINE = "Law enforcement · Prosecution · Aftercare"


def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = DEJAVU_BOLD if bold else DEJAVU
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def draw_hope(draw: ImageDraw.ImageDraw, left: int, top: int, scale: float) -> None:
    """templates/illustrations/hope.svg (240×160) drawn at `scale`."""

    def box(x0, y0, x1, y1):
        return [left + x0 * scale, top + y0 * scale, left + x1 * scale, top + y1 * scale]

    draw.ellipse(box(56, 46, 184, 174), fill=GOLD)
    for x0, y0, x1, y1 in [(120, 22, 120, 38), (56, 52, 67, 63), (184, 52, 173, 63)]:
        draw.line(box(x0, y0, x1, y1), fill=GOLD, width=int(6 * scale))
    draw.rectangle([0, top + 118 * scale, 1200, 630], fill=NAVY_SOFT)
    draw.ellipse(box(89, 55, 111, 77), fill="#0b1f3a")
    draw.rounded_rectangle(box(88, 78, 112, 118), radius=int(12 * scale), fill="#0b1f3a")
    draw.ellipse(box(130, 74, 146, 90), fill=RED)
    draw.rounded_rectangle(box(130, 94, 146, 118), radius=int(8 * scale), fill=RED)
    draw.line(box(110, 97, 132, 98), fill="#0b1f3a", width=int(5 * scale))


def sharing_image() -> Image.Image:
    image = Image.new("RGB", (1200, 630), NAVY)
    draw = ImageDraw.Draw(image)
    draw_hope(draw, 720, 260, 2.2)
    draw.rectangle([0, 620, 1200, 630], fill=RED)
    draw.text((72, 60), ORGANISATION.upper(), font=font(34, bold=True), fill=GOLD)
    y = 124
    for line in HEADLINE:
        draw.text((72, y), line, font=font(60, bold=True), fill=WHITE)
        y += 76
    draw.text((72, y + 20), LINE, font=font(28), fill="#d7e0ee")
    return image


def icon(size: int) -> Image.Image:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, size - 1, size - 1], radius=size // 5, fill=NAVY)
    text_font = font(int(size * 0.38), bold=True)
    draw.text((size / 2, size * 0.53), "IJM", font=text_font, fill=WHITE, anchor="mm")
    return image


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    sharing_image().save(OUT / "sharing-default.png", optimize=True)
    icon(32).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32)])
    touch = Image.new("RGB", (180, 180), NAVY)
    touch.paste(icon(180), (0, 0), icon(180))
    touch.save(OUT / "apple-touch-icon.png", optimize=True)
    for name in ("sharing-default.png", "favicon.ico", "apple-touch-icon.png"):
        print(f"{name}: {(OUT / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
