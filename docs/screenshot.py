"""Regenerate docs/graph.png: out/graph.html in headless Chromium, offline, as a PNG.

    .venv/bin/kg build && .venv/bin/python docs/screenshot.py [PAGE] [--out docs/graph.png] [--select LABEL [--scale 0.7] [--hover]]

Uses the system Chromium (/usr/bin/chromium, the Debian package); every request but the page
itself is blocked. --select clicks an entity so its details show in the side panel; --hover also shows its tooltip.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def screenshot(page_path: Path, out: Path, *, select: str | None = None, scale: float | None = None, hover: bool = False, width: int = 1600, height: int = 1000) -> int:
    """Save a PNG of the page and return its size in bytes."""
    from playwright.sync_api import sync_playwright

    url = page_path.resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]")
        if select:
            node = page.evaluate("(label) => kgData.nodes.get().find(n => n.label === label).id", select)
            if scale:
                page.evaluate("([id, scale]) => kgNetwork.moveTo({position: kgNetwork.getPositions([id])[id], scale: scale})", [node, scale])
            box = page.locator("#network").bounding_box()
            point = page.evaluate("(id) => kgNetwork.canvasToDOM(kgNetwork.getPositions([id])[id])", node)
            page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
            if not hover:
                page.mouse.move(box["x"] + box["width"] - 5, box["y"] + box["height"] - 5)
            page.wait_for_timeout(300)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()
    return out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", nargs="?", default="out/graph.html", type=Path)
    parser.add_argument("--out", default="docs/graph.png", type=Path)
    parser.add_argument("--select", help="label of an entity to click before the screenshot")
    parser.add_argument("--scale", type=float, help="zoom to this scale around the selected entity")
    parser.add_argument("--hover", action="store_true", help="leave the pointer on the selected entity (shows its tooltip)")
    args = parser.parse_args()
    size = screenshot(args.page, args.out, select=args.select, scale=args.scale, hover=args.hover)
    print(f"Wrote {args.out} ({size // 1024} KiB)")


if __name__ == "__main__":
    main()
