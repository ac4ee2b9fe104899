"""Generate samples/corpus/awards.pdf, the sample corpus's one PDF (2 pages with a real text layer).

Run from the repository root:  python samples/make_pdf.py   (needs fpdf2)
The output is byte-for-byte deterministic: fixed creation date and a fixed file identifier.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parent / "corpus" / "awards.pdf"
TITLE = "Awards, Publications and Talks - Maya Okafor"
FIXED_DATE = dt.datetime(2026, 3, 1, 9, 0, 0, tzinfo=dt.UTC)

# (heading, [(label, text), ...]) per page. Core PDF fonts are Latin-1 only: keep the text ASCII.
PAGES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "Awards and Honours",
        "Maya Okafor - awards, honours and fellowships, newest last.",
        [
            (
                "2018",
                "Halden Hack 2018: 2nd place out of 46 teams with the project TrailSense, "
                "a trail-condition reporting app built by a team of 4.",
            ),
            (
                "2019",
                "Graduated magna cum laude with the B.S. in Computer Engineering "
                "from Halden State University.",
            ),
            (
                "2019",
                "Dean's Graduate Fellowship, Halden State University: USD 12,000 "
                "toward M.S. tuition.",
            ),
            (
                "2022",
                'Quillfeather Analytics "Steady Hands" Award for leading the response '
                "to the payment-gateway outage of 2022-03-09.",
            ),
            (
                "2025",
                "Brightwater Logistics Engineering Excellence Award (Q3 2025) for the "
                "spot-instance cost-reduction programme.",
            ),
        ],
    ),
    (
        "Publications and Talks",
        "Peer-reviewed papers, articles and conference talks.",
        [
            (
                "Paper",
                'M. Okafor and I. Salvesen. "Forecast-Driven Autoscaling for Bursty Batch Jobs." '
                "Proceedings of the 2021 Workshop on Cloud Resource Management (CRM '21), "
                "pages 14-21.",
            ),
            (
                "Article",
                'M. Okafor. "Eleven Clusters, One Platform Team." Brightwater Engineering Blog, '
                "published 2025-06-18.",
            ),
            (
                "Talk",
                '"Runbooks Are Code" at the Northwest SRE Meetup, Seattle, on 2023-10-12.',
            ),
            (
                "Talk",
                '"Spot Instances Without Tears" at Cascadia Platform Summit 2025, Portland, '
                "on 2025-04-03. The recording has 4,800 views.",
            ),
        ],
    ),
]


def build() -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(TITLE)
    pdf.set_author("Maya Okafor")
    pdf.set_subject("Awards and honours; publications and talks")
    pdf.set_creator("samples/make_pdf.py")
    pdf.set_producer("fpdf2")
    pdf.set_auto_page_break(auto=True, margin=20)
    for heading, intro, entries in PAGES:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(0, 12, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "I", 11)
        pdf.multi_cell(0, 7, intro, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        for label, text in entries:
            pdf.set_font("Helvetica", "B", 11)
            pdf.cell(22, 7, label)
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    # fpdf2 derives /ID from the current time unless told otherwise; pin it for reproducible bytes.
    pdf.file_id = (  # type: ignore[method-assign]
        lambda: "<0123456789ABCDEF0123456789ABCDEF><0123456789ABCDEF0123456789ABCDEF>"
    )
    return bytes(pdf.output())


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(build())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
