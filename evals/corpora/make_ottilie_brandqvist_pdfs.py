"""Generate the PDFs of the second eval corpus, evals/corpora/ottilie-brandqvist/ (needs fpdf2).

Person: Ottilie Brandqvist (fictional). Nurse (BScN 2013, Kestrel Bay University, Ontario) turned
NHS clinical informatics analyst, clinical data scientist, now Senior AI Programme Manager in Leeds.
Employers: St. Brigid's (2013-16), Kestrel Bay University (RA, 2016-18), Calder Valley NHS FT
(2018-21), Meridian Loop Health (2021-23), Tessellate Diagnostics (2023-).
Files (all fictional): Ottilie_Brandqvist_CV_2025.pdf - 3-page two-column CV; transcript_kestrel_
bay_university.pdf - 13 term tables, 45 courses, BScN + MSc; reference_letter_calder_valley_2021.pdf
(these three PDFs are built here); linkedin_profile.txt; cover_letters/*.txt (Meridian Loop 2021,
Tessellate 2023, Orbis Health 2025); projects/*-README.md (wardwatch with a benchmark table,
fhirtidy, shiftswap); certifications.yml (credential/issuer_org/granted_on/valid_through/
credential_no, mixed date formats); credentials/ (PMP, CPHIMS, Azure AI Engineer records sharing the
sections Credential Details / Expiration Information / Verification); performance_review_2024.md;
talks_and_publications.md; notes/volunteering.txt; notes/nmc_revalidation_2024.txt.
Traps: sibling certificate files (different expiries; only Azure states an exam score); Orbis Health
and Cerner appear only as vendors or as a job applied for, never as an employer; inference traps
(grew up in Port Aldous but no birthplace; 8% raise and "Band 6" but no salary; graduation years but
no birth date; no address, nationality or move-to-Leeds date); abbreviation pairs PMP, CPHIMS, MSc,
BScN, GCP, NMC, DTAC, NEWS2, ACLS, CCIO;
dates as 03/2020, March 2021, 2024-02-19, 15.03.2021, Q2 2024.

Run from the repository root:  python evals/corpora/make_ottilie_brandqvist_pdfs.py
Output is byte-for-byte deterministic: fixed creation date and a fixed file identifier per file.
Core PDF fonts are Latin-1 only: all text here is ASCII (plus the pound sign).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from fpdf import FPDF
from fpdf.enums import MethodReturnValue

OUT_DIR = Path(__file__).resolve().parent / "ottilie-brandqvist"
FIXED_DATE = dt.datetime(2025, 11, 3, 9, 0, 0, tzinfo=dt.UTC)
AUTHOR = "Ottilie Brandqvist"


def _new_pdf(title: str, subject: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(title)
    pdf.set_author(AUTHOR)
    pdf.set_subject(subject)
    pdf.set_creator("evals/corpora/make_ottilie_brandqvist_pdfs.py")
    pdf.set_producer("fpdf2")
    return pdf


def _finish(pdf: FPDF, name: str) -> bytes:
    digest = hashlib.md5(name.encode("ascii")).hexdigest().upper()
    pdf.file_id = lambda: f"<{digest}><{digest}>"  # type: ignore[method-assign]
    return bytes(pdf.output())


# -------------------------------------------------------------------------------------------------
# 1. Two-column CV
# -------------------------------------------------------------------------------------------------

# Blocks: ("h", text) section heading, ("sub", text) bold line, ("meta", text) italic line,
# ("p", text) paragraph, ("b", text) bullet, ("gap", mm).
CV_LEFT: list[tuple[str, str]] = [
    ("h", "CONTACT"),
    ("p", "Leeds, West Yorkshire, UK"),
    ("p", "+44 7700 900418"),
    ("p", "ottilie.brandqvist@example.org"),
    ("p", "linkedin.com/in/ottilie-brandqvist"),
    ("p", "github.com/obrandqvist"),
    ("h", "CORE SKILLS"),
    ("b", "Clinical AI programme delivery"),
    ("b", "Clinical safety: DCB0129 and DCB0160"),
    ("b", "DTAC and DSPT evidence packs"),
    ("b", "Stakeholder and vendor management"),
    ("b", "Budget, risk and benefits tracking"),
    ("b", "Python, SQL, R"),
    ("b", "PyTorch, scikit-learn, LightGBM, spaCy"),
    ("b", "FHIR R4, HL7 v2, SNOMED CT"),
    ("b", "Azure ML, Power BI"),
    ("b", "Jira, Confluence, MS Project"),
    ("h", "LANGUAGES"),
    ("p", "English - native"),
    ("p", "Swedish - professional working proficiency"),
    ("p", "French - elementary (A2)"),
    ("h", "CERTIFICATIONS"),
    ("b", "PMP - PMI, 2024"),
    ("b", "CPHIMS - HIMSS, 2020 (recertified 2023)"),
    ("b", "Microsoft Certified: Azure AI Engineer Associate - 2022"),
    ("b", "Microsoft Certified: Azure AI Fundamentals - 2021"),
    ("b", "PRINCE2 Foundation - 2022"),
    ("b", "Good Clinical Practice - NIHR, 2021 (refresher 2024)"),
    ("h", "REGISTRATION"),
    ("p", "Nursing and Midwifery Council (NMC): Registered Nurse - Adult, since August 2018"),
    ("gap", "1.5"),
    ("p", "College of Nurses of Ontario: Registered Nurse 2013 - 2018 (resigned, non-practising)"),
    ("h", "MEMBERSHIPS"),
    ("b", "Faculty of Clinical Informatics (FCI) - Member since 2021"),
    ("b", "Royal College of Nursing (RCN)"),
    ("b", "PMI UK Chapter"),
    ("h", "AWARDS"),
    ("b", "Clinician-Builder Award, Meridian Loop Health, 2022"),
    ("b", "Graduate Entrance Scholarship, Kestrel Bay University, 2016 (CAD 8,000)"),
    ("h", "INTERESTS"),
    ("b", "Fell running: Yorkshire Three Peaks in 9h 42m (2023)"),
    ("b", "Alto, Headingley Community Choir"),
]

CV_RIGHT: list[tuple[str, str]] = [
    ("h", "PROFILE"),
    (
        "p",
        "Registered nurse turned health-data scientist turned delivery lead. I have spent 12 "
        "years getting "
        "technology to work at the bedside: three years on a surgical ward in Ontario, two and a "
        "half years "
        "digitising nursing observations in the NHS, two years building clinical machine-learning "
        "models, and "
        "since 2023 leading the rollout of AI diagnostics into NHS hospitals. I translate between "
        "clinicians, "
        "engineers and information governance teams, and I care about models that nurses trust.",
    ),
    ("h", "KEY ACHIEVEMENTS"),
    (
        "b",
        "Cut the median wait from chest X-ray to CT from 11.2 to 2.6 days at 3 NHS trusts "
        "(LungLens, 2024).",
    ),
    (
        "b",
        "Took a machine-learning early-warning model from notebook to 14 live wards (WardWatch, "
        "2022).",
    ),
    (
        "b",
        "Replaced paper observation charts with e-obs on 22 adult wards in 10 months (2019-2020).",
    ),
    ("h", "EXPERIENCE"),
    ("sub", "Tessellate Diagnostics Ltd - Leeds, UK"),
    ("meta", "Senior AI Programme Manager | Jan 2025 - Present"),
    (
        "b",
        "Lead a portfolio of 4 clinical AI products live or in rollout across 9 NHS trusts; "
        "programme budget "
        "of £2.4m for FY2025/26.",
    ),
    (
        "b",
        "Manage a team of 14: 6 implementation leads, 5 ML engineers, 2 clinical safety officers "
        "and 1 data "
        "protection analyst.",
    ),
    (
        "b",
        "Own the DCB0129 clinical safety cases and DTAC submissions for all products; zero open "
        "high-severity "
        "hazards at the last internal audit (September 2025).",
    ),
    (
        "b",
        "Negotiated a 3-year framework agreement with the West Yorkshire imaging network (7 "
        "trusts).",
    ),
    ("meta", "AI Delivery Lead | Jun 2023 - Dec 2024"),
    (
        "b",
        "Delivered the LungLens AI chest X-ray triage go-live at 3 trusts in 14 months; median "
        "time from "
        "chest X-ray to CT for suspected lung cancer fell from 11.2 days to 2.6 days.",
    ),
    (
        "b",
        "Introduced a PRINCE2-tailored delivery playbook with 9 stage gates, now used for every "
        "deployment.",
    ),
    (
        "b",
        "Ran 41 clinical-user training sessions for 620 radiographers and reporting radiologists.",
    ),
    ("gap", "2"),
    ("sub", "Meridian Loop Health Ltd - Manchester, UK"),
    ("meta", "Clinical Data Scientist | Mar 2021 - May 2023"),
    (
        "b",
        "Built WardWatch, a gradient-boosted deterioration model on routine nursing observations: "
        "AUROC 0.87 "
        "versus 0.78 for NEWS2 in temporal validation, with 24% fewer alerts per 100 patient-days.",
    ),
    (
        "b",
        "Took WardWatch live on 14 wards at 2 client trusts; clinical lead for post-deployment "
        "monitoring.",
    ),
    (
        "b",
        "Built the FHIR ingestion layer for client EHR feeds (OrbisCare and Cerner) and "
        "open-sourced it as the "
        "fhirtidy Python library.",
    ),
    ("b", "Mentored 3 junior data scientists and ran the fortnightly clinical journal club."),
    ("gap", "2"),
    ("sub", "Calder Valley NHS Foundation Trust - Halifax, UK"),
    ("meta", "Clinical Informatics Analyst (Band 6) | Oct 2018 - Feb 2021"),
    (
        "b",
        "Led the nursing workstream of the e-observations rollout on the OrbisCare EHR across 22 "
        "adult wards.",
    ),
    ("b", "Missed or late observation sets fell by 37% in the first 6 months after go-live."),
    (
        "b",
        "Built the trust's COVID-19 daily bed-state dashboard in Power BI, used by the Gold "
        "command group "
        "from 03/2020.",
    ),
    ("b", "Trained 380 nurses and healthcare assistants on e-obs."),
    ("gap", "2"),
    ("sub", "Kestrel Bay University - Port Aldous, ON, Canada"),
    ("meta", "Graduate Research Assistant, Centre for Rural Health Data | Sep 2016 - Apr 2018"),
    (
        "b",
        "Part-time (12 hours/week) alongside the MSc; cleaned and linked 6 years of regional "
        "admission data "
        "(about 310,000 hospital episodes).",
    ),
    ("b", "Co-authored one peer-reviewed paper with my thesis supervisor (see Publications)."),
    ("gap", "2"),
    ("sub", "St. Brigid's Regional Health Centre - Port Aldous, ON, Canada"),
    ("meta", "Registered Nurse, Medical-Surgical Unit (4 West) | Jul 2013 - Aug 2016"),
    ("b", "32-bed surgical unit; charge nurse on rotation from 2015."),
    (
        "b",
        "Unit super-user for the move from paper charting to electronic nursing documentation "
        "(2014).",
    ),
    ("b", "Preceptor for 9 nursing students; built the ShiftSwap rota app for the unit in 2015."),
    ("h", "EDUCATION"),
    ("sub", "MSc Health Informatics - Kestrel Bay University, 2018"),
    ("p", "Sep 2016 - Apr 2018. Cumulative GPA 3.83/4.0."),
    (
        "p",
        'Thesis: "Predicting 72-Hour ICU Readmission from Nursing Flowsheet Data", supervised by '
        "Dr. Hollis Vantongeren.",
    ),
    ("gap", "2"),
    ("sub", "BScN (Nursing) - Kestrel Bay University, 2013"),
    ("p", "Sep 2009 - Apr 2013. Cumulative GPA 3.70/4.0, graduated with distinction."),
    (
        "p",
        "Treasurer of the Nursing Students' Association (2011-2012); varsity cross-country team.",
    ),
    ("h", "SELECTED TALKS AND PUBLICATIONS"),
    (
        "b",
        '"WardWatch: Building a Deterioration Model Nurses Actually Trust" - '
        "UK Clinical AI Summit, London, "
        "June 2022.",
    ),
    ("b", '"Nine Trusts, One Playbook" - Yorkshire Health Tech Meetup, Leeds, March 2025.'),
    (
        "b",
        "Brandqvist O, Vantongeren H. Predicting 72-hour ICU readmission from nursing flowsheet "
        "data. "
        "Journal of Rural Health Data, 2018.",
    ),
    ("h", "TRAINING"),
    ("b", "Clinical Safety Officer course (DCB0129/DCB0160), NHS England, 2023."),
    ("b", "Human Factors in Clinical AI, Faculty of Clinical Informatics masterclass, 2024."),
    (
        "b",
        "Mandatory NHS training kept current: information governance, safeguarding adults level 2.",
    ),
    ("h", "VOLUNTEERING"),
    ("b", "Data volunteer, Kirkstall Community Larder (food bank), Leeds - since April 2022."),
    ("b", "Mentor, Code Club at Bramley Library - 2024 to 2025."),
    ("h", "OPEN-SOURCE PROJECTS"),
    ("b", "wardwatch - research code for the WardWatch early-warning model (MIT licence)."),
    ("b", "fhirtidy - flattens FHIR R4 bundles into tidy pandas DataFrames (Apache-2.0)."),
    ("b", "shiftswap - self-hosted shift-swap app for ward nurses (GPL-3.0)."),
    ("h", "REFERENCES"),
    (
        "p",
        "Available on request. Recent referees include Imogen Faraday, Chief Operating Officer, "
        "Tessellate "
        "Diagnostics, and Dr. Bernard Oyelaran-Whitt, CCIO, Calder Valley NHS Foundation Trust.",
    ),
]

PAGE_W, PAGE_H = 210.0, 297.0
LEFT_X, LEFT_W = 10.0, 56.0
RIGHT_X, RIGHT_W = 74.0, 126.0
TOP_FIRST, TOP_NEXT, BOTTOM = 46.0, 16.0, 280.0
STYLES = {  # kind -> (font style, size, line height, space before)
    "h": ("B", 11.0, 6.0, 4.0),
    "sub": ("B", 10.0, 5.0, 1.0),
    "meta": ("I", 9.5, 5.0, 0.5),
    "p": ("", 9.5, 4.6, 0.8),
    "b": ("", 9.5, 4.6, 0.6),
}


@dataclass(frozen=True)
class Op:
    """One thing to draw: a line of text, or (rule=True) a horizontal rule of width w."""

    page: int
    x: float
    y: float
    w: float
    h: float = 0.0
    style: str = ""
    size: float = 0.0
    text: str = ""
    rule: bool = False


def _layout(pdf: FPDF, blocks: list[tuple[str, str]], x0: float, width: float) -> list[Op]:
    """Place a column's blocks on pages (page index 0 = first page)."""
    ops: list[Op] = []
    page, y = 0, TOP_FIRST
    for i, (kind, text) in enumerate(blocks):
        if kind == "gap":
            y += float(text)
            continue
        style, size, lh, before = STYLES[kind]
        pdf.set_font("Helvetica", style, size)
        indent = 3.5 if kind == "b" else 0.0
        lines = cast(
            list[str],
            pdf.multi_cell(width - indent, lh, text, dry_run=True, output=MethodReturnValue.LINES),
        )
        need = before + lh * len(lines)
        if kind == "h" and i + 1 < len(blocks):
            need += 2 * lh  # keep a heading with the start of its body
        if y + need > BOTTOM:
            page, y = page + 1, TOP_NEXT
        y += before
        if kind == "h":
            ops.append(Op(page, x0, y + lh, width, rule=True))
        for j, line in enumerate(lines):
            if kind == "b" and j == 0:
                ops.append(Op(page, x0, y, indent, lh, "", size, "-"))
            ops.append(Op(page, x0 + indent, y, width - indent, lh, style, size, line))
            y += lh
        if kind == "h":
            y += 1.0
    return ops


def build_cv() -> bytes:
    pdf = _new_pdf("Ottilie Brandqvist - CV", "Curriculum vitae, October 2025")
    pdf.set_auto_page_break(False)
    measure = FPDF(format="A4")  # a scratch document, only used to wrap lines
    measure.add_page()
    left = _layout(measure, CV_LEFT, LEFT_X, LEFT_W)
    right = _layout(measure, CV_RIGHT, RIGHT_X, RIGHT_W)
    n_pages = 1 + max(op.page for op in left + right)
    for page in range(n_pages):
        pdf.add_page()
        pdf.set_fill_color(236, 240, 243)
        pdf.rect(0, 0 if page else 38, LEFT_X + LEFT_W + 3, PAGE_H - (0 if page else 38), style="F")
        if page == 0:
            pdf.set_fill_color(31, 58, 77)
            pdf.rect(0, 0, PAGE_W, 38, style="F")
            pdf.set_text_color(255, 255, 255)
            pdf.set_xy(LEFT_X, 9)
            pdf.set_font("Helvetica", "B", 22)
            pdf.cell(0, 10, "OTTILIE BRANDQVIST")
            pdf.set_xy(LEFT_X, 21)
            pdf.set_font("Helvetica", "", 11)
            pdf.cell(
                0,
                6,
                "Senior AI Programme Manager  |  Registered Nurse (Adult)  |  MSc Health "
                "Informatics",
            )
            pdf.set_xy(LEFT_X, 28)
            pdf.set_font("Helvetica", "I", 9)
            pdf.cell(0, 5, "Curriculum vitae - updated October 2025")
        pdf.set_text_color(20, 20, 20)
        for op in left + right:  # left column first, then the right column, page by page
            if op.page != page:
                continue
            if op.rule:
                pdf.set_draw_color(31, 58, 77)
                pdf.set_line_width(0.3)
                pdf.line(op.x, op.y, op.x + op.w, op.y)
                continue
            pdf.set_font("Helvetica", op.style, op.size)
            pdf.set_xy(op.x, op.y)
            pdf.cell(op.w, op.h, op.text)
        pdf.set_font("Helvetica", "I", 8)
        pdf.set_text_color(110, 110, 110)
        pdf.set_xy(RIGHT_X, 287)
        pdf.cell(RIGHT_W, 5, f"Ottilie Brandqvist - CV - page {page + 1} of {n_pages}", align="R")
    return _finish(pdf, "Ottilie_Brandqvist_CV_2025.pdf")


# -------------------------------------------------------------------------------------------------
# 2. Transcript (table-heavy)
# -------------------------------------------------------------------------------------------------

GRADE_POINTS = {
    "A+": 4.0,
    "A": 4.0,
    "A-": 3.7,
    "B+": 3.3,
    "B": 3.0,
    "B-": 2.7,
    "C+": 2.3,
    "C": 2.0,
    "D": 1.0,
}

BSCN = "Bachelor of Science in Nursing (BScN)"
MSC = "Master of Science in Health Informatics"

TERMS: list[tuple[str, str, list[tuple[str, str, int, str]]]] = [
    (
        BSCN,
        "Fall 2009",
        [
            ("NURS 1010", "Foundations of Nursing Practice", 3, "A-"),
            ("BIOL 1120", "Human Anatomy and Physiology I", 3, "B+"),
            ("CHEM 1050", "Chemistry for the Health Sciences", 3, "B"),
            ("PSYC 1000", "Introduction to Psychology", 3, "A"),
        ],
    ),
    (
        BSCN,
        "Winter 2010",
        [
            ("NURS 1020", "Health Assessment", 3, "A"),
            ("BIOL 1130", "Human Anatomy and Physiology II", 3, "A-"),
            ("STAT 1100", "Statistics for the Health Sciences", 3, "A"),
            ("ENGL 1200", "Academic Writing", 3, "B+"),
        ],
    ),
    (
        BSCN,
        "Fall 2010",
        [
            ("NURS 2010", "Pathophysiology", 3, "B+"),
            ("NURS 2030", "Pharmacology for Nurses", 3, "A-"),
            ("MICR 2100", "Microbiology and Infection Control", 3, "B"),
            ("NURS 2050", "Clinical Practicum I: Long-Term Care", 6, "A"),
        ],
    ),
    (
        BSCN,
        "Winter 2011",
        [
            ("NURS 2060", "Mental Health Nursing", 3, "A"),
            ("NURS 2070", "Clinical Practicum II: Medical Nursing", 6, "A-"),
            ("NURS 2080", "Gerontological Nursing", 3, "B+"),
            ("SOCI 2200", "Sociology of Health and Illness", 3, "B+"),
        ],
    ),
    (
        BSCN,
        "Fall 2011",
        [
            ("NURS 3010", "Acute Care Nursing", 3, "A-"),
            ("NURS 3020", "Maternal and Child Health", 3, "B+"),
            ("HINF 2150", "Introduction to Health Informatics", 3, "A"),
            ("NURS 3050", "Clinical Practicum III: Surgical Nursing", 6, "A"),
        ],
    ),
    (
        BSCN,
        "Winter 2012",
        [
            ("NURS 3060", "Community and Public Health Nursing", 3, "A-"),
            ("COMP 2500", "Introduction to Artificial Intelligence", 3, "A"),
            ("NURS 3080", "Nursing Research Methods", 3, "B+"),
            ("PHIL 2300", "Biomedical Ethics", 3, "A-"),
        ],
    ),
    (
        BSCN,
        "Fall 2012",
        [
            ("NURS 4010", "Critical Care Nursing", 3, "A"),
            ("NURS 4020", "Palliative and End-of-Life Care", 3, "A-"),
            ("NURS 4030", "Leadership in Nursing Practice", 3, "B+"),
            ("NURS 4050", "Clinical Practicum IV: Critical Care", 6, "A"),
        ],
    ),
    (
        BSCN,
        "Winter 2013",
        [
            ("NURS 4060", "Indigenous Health and Cultural Safety", 3, "A"),
            ("NURS 4070", "Nursing Informatics", 3, "A"),
            ("NURS 4090", "Integrated Practicum (Consolidation)", 9, "A-"),
        ],
    ),
    (
        MSC,
        "Fall 2016",
        [
            ("HINF 5010", "Foundations of Health Informatics", 3, "A"),
            ("HINF 5020", "Clinical Data Standards: HL7 and FHIR", 3, "A-"),
            ("DATA 5050", "Databases for Health Data", 3, "A"),
            ("EPID 5100", "Epidemiology for Informatics", 3, "A-"),
        ],
    ),
    (
        MSC,
        "Winter 2017",
        [
            ("DATA 5110", "Machine Learning for Health", 3, "A"),
            ("HINF 5300", "Health Information Privacy and Ethics", 3, "A"),
            ("DATA 5120", "Data Visualization for Clinicians", 3, "B+"),
            ("HINF 5400", "Health Systems Project Management", 3, "A"),
        ],
    ),
    (
        MSC,
        "Summer 2017",
        [
            ("HINF 5240", "Artificial Intelligence in Clinical Decision Support", 3, "A-"),
            ("HINF 5900", "Research Methods in Health Informatics", 3, "A"),
        ],
    ),
    (
        MSC,
        "Fall 2017",
        [
            ("DATA 5210", "Deep Learning", 3, "A-"),
            ("DATA 5230", "Natural Language Processing for Clinical Text", 3, "A"),
        ],
    ),
    (
        MSC,
        "Winter 2018",
        [
            ("DATA 5260", "Computer Vision for Medical Imaging", 3, "B+"),
            ("HINF 5990", "Master's Thesis", 6, "A"),
        ],
    ),
]

DEGREES = {
    BSCN: "Degree awarded: Bachelor of Science in Nursing (BScN), conferred June 7, 2013 - "
    "With Distinction",
    MSC: "Degree awarded: Master of Science in Health Informatics, conferred June 8, 2018 - "
    "Thesis: Predicting 72-Hour ICU Readmission from Nursing Flowsheet Data",
}
EXPECTED_CUMULATIVE = {BSCN: "3.70", MSC: "3.83"}  # also printed in the CV and the LinkedIn profile


def transcript_summary() -> list[tuple[str, str, float, float, float, float]]:
    """(program, term, term credits, term GPA, cumulative credits, cumulative GPA) per term."""
    rows: list[tuple[str, str, float, float, float, float]] = []
    totals: dict[str, list[float]] = {}
    for program, term, courses in TERMS:
        credits = float(sum(c[2] for c in courses))
        points = sum(c[2] * GRADE_POINTS[c[3]] for c in courses)
        acc = totals.setdefault(program, [0.0, 0.0])
        acc[0] += credits
        acc[1] += points
        rows.append((program, term, credits, points / credits, acc[0], acc[1] / acc[0]))
    return rows


def build_transcript() -> bytes:
    pdf = _new_pdf(
        "Kestrel Bay University - Academic Transcript - Ottilie Brandqvist", "Academic transcript"
    )
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, "KESTREL BAY UNIVERSITY", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(
        0,
        5,
        "Office of the Registrar - Port Aldous, Ontario, Canada",
        new_x="LMARGIN",
        new_y="NEXT",
        align="C",
    )
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 9, "Academic Transcript (Student Copy)", new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 10)
    with pdf.table(col_widths=(45, 145), first_row_as_headings=False, line_height=6) as table:
        for k, v in [
            ("Student name", "Ottilie Brandqvist"),
            ("Student number", "200418337"),
            (
                "Programs",
                "Bachelor of Science in Nursing (2009-2013); Master of Science in Health "
                "Informatics "
                "(2016-2018)",
            ),
            ("Date issued", "July 3, 2018"),
        ]:
            row = table.row()
            row.cell(k)
            row.cell(v)
    pdf.ln(3)

    summaries = {(p, t): s for p, t, *s in transcript_summary()}
    last_term = {p: t for p, t, _ in TERMS}
    for program, term, courses in TERMS:
        if pdf.get_y() > 215:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, f"{term} - {program}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9.5)
        t_credits, t_gpa, c_credits, c_gpa = summaries[(program, term)]
        t_points = t_gpa * t_credits
        c_points = c_gpa * c_credits
        with pdf.table(
            col_widths=(24, 96, 20, 18, 32),
            line_height=5.5,
            text_align=("LEFT", "LEFT", "CENTER", "CENTER", "CENTER"),
        ) as table:
            head = table.row()
            for h in ("Code", "Course Title", "Credits", "Grade", "Grade Points"):
                head.cell(h)
            for code, title, credits, grade in courses:
                row = table.row()
                row.cell(code)
                row.cell(title)
                row.cell(f"{credits:.1f}")
                row.cell(grade)
                row.cell(f"{credits * GRADE_POINTS[grade]:.1f}")
            row = table.row()
            row.cell(
                f"Term GPA: {t_gpa:.2f}   Term credits: {t_credits:.1f}   Term grade points: "
                f"{t_points:.1f}",
                colspan=5,
                align="LEFT",
            )
            row = table.row()
            row.cell(
                f"Cumulative GPA: {c_gpa:.2f}   Cumulative credits: {c_credits:.1f}   "
                f"Cumulative grade points: {c_points:.1f}",
                colspan=5,
                align="LEFT",
            )
        if last_term[program] == term:
            assert f"{c_gpa:.2f}" == EXPECTED_CUMULATIVE[program], (program, c_gpa)
            pdf.ln(1)
            pdf.set_font("Helvetica", "B", 9.5)
            pdf.multi_cell(0, 5.5, DEGREES[program], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)

    if pdf.get_y() > 200:
        pdf.add_page()
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, "Grading scale", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9.5)
    with pdf.table(col_widths=(30, 30, 60), line_height=5.5, width=120, align="LEFT") as table:
        head = table.row()
        for h in ("Letter grade", "Grade points", "Percentage"):
            head.cell(h)
        for g, pts, pct in [
            ("A+", "4.0", "90-100"),
            ("A", "4.0", "85-89"),
            ("A-", "3.7", "80-84"),
            ("B+", "3.3", "77-79"),
            ("B", "3.0", "73-76"),
            ("B-", "2.7", "70-72"),
            ("C+", "2.3", "67-69"),
            ("C", "2.0", "60-66"),
            ("D", "1.0", "50-59"),
        ]:
            row = table.row()
            row.cell(g)
            row.cell(pts)
            row.cell(pct)
    pdf.ln(2)
    pdf.set_font("Helvetica", "I", 8.5)
    pdf.multi_cell(
        0,
        4.5,
        "GPA = total grade points / total credits, on a 4.0 scale, computed separately for each "
        "program. Clinical practicum courses carry 6 or 9 credits. This student copy is not valid "
        "without the Registrar's seal.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for i in range(1, pdf.pages_count + 1):
        pdf.page = i
        pdf.set_auto_page_break(False)
        pdf.set_xy(10, 285)
        pdf.set_font("Helvetica", "I", 8)
        pdf.cell(
            0,
            5,
            f"Kestrel Bay University - Transcript of Ottilie Brandqvist (200418337) - page {i} of "
            f"{pdf.pages_count}",
            align="C",
        )
    return _finish(pdf, "transcript_kestrel_bay_university.pdf")


# -------------------------------------------------------------------------------------------------
# 3. Reference letter (one page)
# -------------------------------------------------------------------------------------------------

LETTER = [
    "19 February 2021",
    "To whom it may concern",
    "Reference for Ottilie Brandqvist - Clinical Informatics Analyst (Band 6)",
    "I have been Ottilie's line manager since she joined Calder Valley NHS Foundation Trust on 1 "
    "October 2018. "
    "She leaves us at the end of this month; her last working day is 26 February 2021. I am glad "
    "to write this "
    "reference and I do so without reservation.",
    "Ottilie led the nursing workstream of our electronic observations (e-obs) programme on the "
    "OrbisCare "
    "electronic health record, which replaced paper observation charts on all 22 adult inpatient "
    "wards between "
    "May 2019 and March 2020. She ran the ward-by-ward go-lives, wrote the escalation rules with "
    "our "
    "critical care outreach team, and personally trained 380 nurses and healthcare assistants. "
    "Six months after "
    "the last go-live, missed or late observation sets had fallen by 37% compared with the paper "
    "baseline.",
    "When COVID-19 reached us in March 2020 she built, in under a week, the daily bed-state "
    "dashboard that our "
    "Gold command group used at every 08:00 meeting for the rest of the year.",
    "She combines genuine clinical credibility - she is still an NMC-registered nurse and the "
    "wards know it - "
    "with real technical skill in SQL, Python and Power BI. She is calm under pressure and honest "
    "about risk. "
    "Her sickness absence over 2 years and 5 months with us was 2 days.",
    "I would re-employ her without hesitation. Please contact me if you need anything further.",
    "Yours faithfully,",
    "Dr. Bernard Oyelaran-Whitt",
    "Chief Clinical Information Officer (CCIO), Calder Valley NHS Foundation Trust",
]


def build_reference_letter() -> bytes:
    pdf = _new_pdf(
        "Reference letter - Calder Valley NHS Foundation Trust",
        "Employment reference, February 2021",
    )
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(22, 20, 22)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 7, "Calder Valley NHS Foundation Trust", new_x="LMARGIN", new_y="NEXT", align="R")
    pdf.set_font("Helvetica", "", 9.5)
    pdf.cell(
        0,
        5,
        "Digital Health Directorate - Royal Calder Infirmary - Halifax, West Yorkshire",
        new_x="LMARGIN",
        new_y="NEXT",
        align="R",
    )
    pdf.ln(10)
    for i, para in enumerate(LETTER):
        bold = i == 2 or i == 9
        pdf.set_font("Helvetica", "B" if bold else "", 10.5)
        pdf.multi_cell(0, 5.6, para, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(3 if i not in (8, 9) else 0)
    return _finish(pdf, "reference_letter_calder_valley_2021.pdf")


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name, builder in [
        ("Ottilie_Brandqvist_CV_2025.pdf", build_cv),
        ("transcript_kestrel_bay_university.pdf", build_transcript),
        ("reference_letter_calder_valley_2021.pdf", build_reference_letter),
    ]:
        path = OUT_DIR / name
        path.write_bytes(builder())
        print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
