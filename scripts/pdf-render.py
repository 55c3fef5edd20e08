#!/usr/bin/env python3
"""Renders a PDF the way a reader would (PDFium, through pypdfium2) to check the documents OpenRCM
writes: every page to a PNG beside OUT_PREFIX, and one JSON line on stdout with the page count,
each page's size in pixels, the share of pixels with ink, and the text PDFium extracts.

    .venv/bin/python scripts/pdf-render.py FILE.pdf OUT_PREFIX
"""
import json
import sys

import pypdfium2 as pdfium


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    pdf = pdfium.PdfDocument(sys.argv[1])
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        image = page.render(scale=1.5).to_pil().convert("L")
        image.save(f"{sys.argv[2]}-{i + 1}.png")
        width, height = image.size
        ink = sum(image.histogram()[:200])
        text = page.get_textpage().get_text_range()
        pages.append({"width": width, "height": height, "ink": ink / (width * height), "text": text})
    print(json.dumps({"pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
