"""Print a report's HTML page to PDF with WeasyPrint: the same content, CJK text in the Noto CJK fonts.

Called by `reconciler report --format pdf` with the page from `report.html`. The only module that imports
WeasyPrint (which needs Pango from the system: `make setup` installs it with the fonts).
"""

from __future__ import annotations

import logging


class PdfUnavailableError(RuntimeError):
    """WeasyPrint or the system libraries it loads (Pango, HarfBuzz, fontconfig) are missing."""


def html_to_pdf(page: str) -> bytes:
    """The page printed to PDF (A4 landscape, from the page's own @page rule). The page must be
    self-contained: nothing is fetched, so any URL in it fails rather than reaching the network."""
    try:
        # imported only for a PDF: it loads Pango through cffi
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:
        raise PdfUnavailableError(f"PDF output needs WeasyPrint and Pango (run `make setup`): {exc}") from exc
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting is chatty at INFO
    refuse_every_url = URLFetcher(allowed_protocols=(), fail_on_errors=True)
    document = HTML(string=page, url_fetcher=refuse_every_url, base_url=None)
    data = document.write_pdf()
    if data is None:  # write_pdf returns the bytes when given no target
        raise RuntimeError("WeasyPrint returned no PDF")
    return bytes(data)
