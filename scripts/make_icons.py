"""Draw Dera's neutral app icons (a sunrise over a line: nothing that says what the app is for).

Run once when the design changes: ``pip install pillow && python scripts/make_icons.py``.
Writes PNGs (regular and maskable) and an SVG into ``pwa/static/icons/``.
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "pwa" / "static" / "icons"
GREEN = (31, 92, 74)
SUN = (255, 214, 102)
WHITE = (255, 255, 255)


def draw(size: int, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then shrink, for smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle([0, 0, big, big], fill=GREEN)
        inset = big * 0.2  # keep the drawing inside the maskable safe zone
    else:
        pen.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 0.22, fill=GREEN)
        inset = big * 0.14
    inner = big - 2 * inset
    cx, horizon = big / 2, inset + inner * 0.66
    radius = inner * 0.3
    pen.pieslice([cx - radius, horizon - radius, cx + radius, horizon + radius], 180, 360, fill=SUN)
    line = inner * 0.055
    pen.rounded_rectangle([inset, horizon + line * 0.6, big - inset, horizon + line * 1.6], radius=line / 2, fill=WHITE)
    pen.rounded_rectangle([inset + inner * 0.2, horizon + line * 2.6, big - inset - inner * 0.2, horizon + line * 3.6], radius=line / 2, fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


SVG = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" rx="22" fill="#1f5c4a"/>
<path d="M29 62a21 21 0 0 1 42 0z" fill="#ffd666"/>
<rect x="14" y="64" width="72" height="4" rx="2" fill="#fff"/>
<rect x="28.4" y="71" width="43.2" height="4" rx="2" fill="#fff"/>
</svg>
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
        draw(size, maskable=True).save(OUT / f"maskable-{size}.png", optimize=True)
    draw(180, maskable=True).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    (OUT / "icon.svg").write_text(SVG)


if __name__ == "__main__":
    main()
