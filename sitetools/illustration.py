"""`invoke zim-illustration`: draw the favicon as the ZIM file's 48x48 PNG illustration.

The ZIM format wants a PNG; the site's icon is an SVG (theme/static/favicon.svg)
and no build dependency draws SVG.  The PNG is therefore drawn once, by
Debian's Chromium (driven by Playwright, a test dependency), and committed
(OFFLINE["illustration"]): every publish then packs the same bytes.  Run this
again after the favicon changes; tests/test_offline.py fails while the
committed PNG no longer looks like the favicon.
"""

import base64

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--force-color-profile=srgb",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def render_svg(svg_bytes, size=48):
    """PNG bytes of an SVG drawn at size x size pixels on a transparent background."""
    from playwright.sync_api import sync_playwright

    data = base64.b64encode(svg_bytes).decode("ascii")
    html = (f'<!DOCTYPE html><html><body style="margin:0;background:transparent">'
            f'<img src="data:image/svg+xml;base64,{data}" width="{size}" height="{size}" '
            f'style="display:block"></body></html>')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
            page.set_content(html)
            page.wait_for_function("document.images[0].complete")
            return page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})
        finally:
            browser.close()


def draw(svg_path, png_path, size=48):
    with open(svg_path, "rb") as handle:
        png = render_svg(handle.read(), size)
    with open(png_path, "wb") as handle:
        handle.write(png)
    return png
