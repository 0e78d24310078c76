"""The PDFs fit their pages and the owner can read every report kind: a year of nightly runs (recorded straight
into a store, `tests/year_history.py`) reported as the status, monthly and summary reports, in each language and
in both, with and without an expansion.

Every word's box is read from each PDF (poppler's `pdftotext -bbox`) and must lie inside its page's printable
width (A4, the margins of the page's @page rule) and height; the pages are counted against the targets (status
at most 4 in one language and 6 in both, monthly at most 6, summary at most 8). The same reports are written as
pictures to test-artifacts/ (the PDF's pages through pdftoppm, the HTML page in headless Chromium) for a person
to look at; the tests check the pictures were made, the reading is a person's.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tests.test_report_html import ARTIFACTS, chromium, console_errors
from tests.year_history import END, WITH_EXPANSION, WITHOUT_EXPANSION, record_year

MM = 72 / 25.4
"""PDF points in a millimetre."""
A4 = (210 * MM, 297 * MM)
SIDE_MARGIN = 11 * MM
"""The page's left and right margins (`@page` in templates/_base.html.j2): no word may reach into them."""
TOLERANCE = 1.0
"""Points a glyph's box may stand past an edge (font side bearings)."""

STATUS_NOW = "2027-07-16T09:00:00+08:00"
"""The status report as of the last night of the service: trends over the whole year."""
MONTHLY_NOW = "2026-12-03T09:00:00+08:00"
"""November's report written early in December, as the provider would."""
KINDS: dict[str, tuple[str, ...]] = {
    "status": ("--now", STATUS_NOW),
    "monthly": ("--kind", "monthly", "--period", "2026-11", "--now", MONTHLY_NOW),
    "summary": ("--kind", "summary", "--now", END.isoformat()),
}
PAGE_TARGETS = {("status", "en"): 4, ("status", "zh"): 4, ("status", "both"): 6}
"""The most pages each report may take; the monthly report at most 6, the summary at most 8."""
MOST_PAGES = {"status": 6, "monthly": 6, "summary": 8}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    """A year of nightly runs against the contract with its expansion, and against the one without."""
    folder = tmp_path_factory.mktemp("year")
    stored = {}
    for expansion in (True, False):
        store = folder / f"history-{'with' if expansion else 'without'}.sqlite"
        record_year(store, expansion)
        stored[expansion] = store
    return stored


def report(stores: dict[bool, Path], folder: Path, kind: str, lang: str, expansion: bool, fmt: str) -> Path:
    contract = WITH_EXPANSION if expansion else WITHOUT_EXPANSION
    output = folder / f"{kind}-{lang}-{'with' if expansion else 'without'}-expansion.{fmt}"
    result = run_cli(
        "report", "--contract", contract, "--history", stores[expansion], "--lang", lang, "--format", fmt,
        "--output", output, *KINDS[kind],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return output


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class PdfPage:
    number: int
    width: float
    height: float


class _BoxReader(HTMLParser):
    """The pages and words of `pdftotext -bbox` output (XHTML: <page width height>, <word xMin yMin xMax yMax>)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pages: list[PdfPage] = []
        self.words: list[Word] = []
        self._word: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "page":
            self.pages.append(PdfPage(len(self.pages) + 1, float(values["width"]), float(values["height"])))
        elif tag == "word":
            self._word = values

    def handle_data(self, data: str) -> None:
        if self._word is not None:
            w = self._word
            self.words.append(
                Word(
                    len(self.pages),
                    data,
                    float(w["xmin"]),
                    float(w["ymin"]),
                    float(w["xmax"]),
                    float(w["ymax"]),
                )
            )
            self._word = None


def word_boxes(pdf: Path) -> tuple[list[PdfPage], list[Word]]:
    """Every page's size and every word's box, in PDF points from the page's top left."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: run `make setup` (it installs Debian's poppler-utils)")
    done = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    reader = _BoxReader()
    reader.feed(done.stdout)
    return reader.pages, reader.words


def outside(page: PdfPage, word: Word) -> bool:
    """Whether a word stands outside the page's printable width or outside the page."""
    return (
        word.x_min < SIDE_MARGIN - TOLERANCE
        or word.x_max > page.width - SIDE_MARGIN + TOLERANCE
        or word.y_min < -TOLERANCE
        or word.y_max > page.height + TOLERANCE
    )


CASES = [
    (kind, lang, expansion)
    for kind in KINDS
    for lang in ("en", "zh", "both")
    for expansion in (True, False)
    if expansion or lang != "both"  # in both languages with the expansion only: the widest tables
]


@pytest.mark.parametrize(("kind", "lang", "expansion"), CASES)
def test_every_word_of_the_pdf_lies_inside_its_page_and_the_pages_meet_the_target(
    stores: dict[bool, Path], tmp_path: Path, kind: str, lang: str, expansion: bool
) -> None:
    pdf = report(stores, tmp_path, kind, lang, expansion, "pdf")
    pages, words = word_boxes(pdf)
    assert pages, "no page"
    assert all((round(p.width), round(p.height)) == (round(A4[0]), round(A4[1])) for p in pages), "not A4 portrait"
    assert len(words) > 300, "too few words: the text was not found"
    by_page = {p.number: p for p in pages}
    out = [f"page {w.page}: {w.text!r} at x {w.x_min:.0f}-{w.x_max:.0f}" for w in words if outside(by_page[w.page], w)]
    assert out == [], out[:20]
    most = PAGE_TARGETS.get((kind, lang), MOST_PAGES[kind])
    assert len(pages) <= most, f"{kind} in {lang}: {len(pages)} pages, at most {most}"


def test_a_word_past_the_margin_is_found(tmp_path: Path) -> None:
    """The check above can fail: a page whose table is wider than the page has words outside it."""
    from reconciler.report.pdf import html_to_pdf

    cells = "".join(f"<td>column{n:02d}-wide-content</td>" for n in range(40))
    page = (
        "<html><head><style>@page { size: A4; margin: 12mm 11mm } td { white-space: nowrap }</style></head>"
        f"<body><table><tr>{cells}</tr></table></body></html>"
    )
    pdf = tmp_path / "wide.pdf"
    pdf.write_bytes(html_to_pdf(page))
    pages, words = word_boxes(pdf)
    assert any(outside(pages[w.page - 1], w) for w in words)


# -- pictures for a person to look at ------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pictures_of_every_report_kind_in_each_language(
    stores: dict[bool, Path], tmp_path: Path, kind: str, lang: str
) -> None:
    folder = ARTIFACTS / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{kind}-{lang}"
    for old in folder.glob(f"{stem}*.png"):
        old.unlink()
    pdf = report(stores, tmp_path, kind, lang, True, "pdf")
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: run `make setup` (it installs Debian's poppler-utils)")
    done = subprocess.run(
        ["pdftoppm", "-r", "80", "-png", str(pdf), str(folder / f"{stem}-pdf-page")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pages = sorted(folder.glob(f"{stem}-pdf-page*.png"))
    assert len(pages) == len(word_boxes(pdf)[0])
    html = report(stores, tmp_path, kind, lang, True, "html")
    screenshot = folder / f"{stem}-html.png"
    shot = chromium(
        tmp_path,
        "--enable-logging=stderr",
        "--v=0",
        f"--screenshot={screenshot}",
        "--window-size=1280,2400",
        "--hide-scrollbars",
        html.as_uri(),
    )
    assert shot.returncode == 0, shot.stderr
    assert console_errors(shot.stderr) == []
    assert screenshot.stat().st_size > 10_000
