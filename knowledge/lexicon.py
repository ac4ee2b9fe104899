"""The words personal documents use for what people ask about themselves.

People ask "who were my employers?", "do I have a law degree?", "which certs have lapsed?"; a CV
answers under EXPERIENCE, EDUCATION and "valid through". Neither retrieval leg bridges that gap
with the offline models, so a question about the asker also searches the keyword leg for the
documents' words for the same thing (apart from the question and weighted down, so they cannot
outweigh its own words: ``knowledge.retriever.keyword_leg``). Each group is one concept: a
question using any of its words gets the group's document words. Only first-person questions
("my", "I", "our") are expanded: third-person text ("Tumour grade predicts survival") is not about
the asker, and there the words would be noise.
"""

from __future__ import annotations

import re

# "my", "our", "I've"; a bare "I" only where a pronoun stands (after "did", "have", "where" ...,
# or before a verb), not the Roman numeral of "complex I proteins" or "type-I".
_FIRST_PERSON = re.compile(
    r"\b(?:my|me|mine|myself|our|ours|we|i'(?:ve|m|d|ll))\b|(?:^|[.?!]\s*|\b(?:did|do|does|have|"
    r"had|am|was|were|can|could|should|would|will|shall|where|when|what|which|how|why|who|if|"
    r"and|or|that|since|until)\s+)i\b(?!-)|(?<![-\w])i\s+(?:am|was|have|had|did|do|get|got|hold|"
    r"manage|work|earn|take|took|study|lead|led|live|speak|know|use|run|own|went|made|pass|start|"
    r"join|left|attend|teach|taught|wrote|still|ever|never|currently|\w+ed)\b",
    re.IGNORECASE,
)

# (words in questions, words documents use). Matched as whole words, case-insensitively.
_GROUPS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("employer", "employers", "employment", "employed", "worked", "job", "jobs", "career"),
        "experience employment position role",
    ),
    (("current", "currently", "now", "today"), "present current"),
    (
        ("degree", "degrees", "diploma", "studied", "study", "education", "university", "college"),
        "education degree university bachelor master graduated",
    ),
    (("phd", "doctorate", "doctoral"), "education degree doctor doctorate phd"),
    (
        ("course", "courses", "class", "classes", "module", "modules", "subjects"),
        "course transcript credits",
    ),
    (("grade", "grades", "gpa", "marks"), "grade gpa transcript"),
    (
        (
            "certification",
            "certifications",
            "certificate",
            "certificates",
            "cert",
            "certs",
            "credential",
            "credentials",
            "license",
            "licence",
            "licenses",
            "licences",
            "qualification",
            "qualifications",
        ),
        "certification certificate credential licence license",
    ),
    (
        ("expire", "expires", "expired", "expiry", "expiring", "lapse", "lapsed", "valid", "renew"),
        "expiration expires expiry valid through renewal",
    ),
    (("volunteer", "volunteered", "volunteering", "charity"), "volunteer volunteering"),
    (("skill", "skills", "proficient", "expertise"), "skills"),
    (("speak", "languages", "fluent"), "languages fluent native"),
    (
        ("published", "publication", "publications", "paper", "papers", "talk", "talks", "spoke"),
        "publications talks conference presented",
    ),
    (("salary", "pay", "paid", "earn", "compensation"), "salary compensation"),
    (("award", "awards", "prize", "prizes", "honours", "honors"), "awards honours prize"),
)
_TRIGGERS = tuple(
    (re.compile(rf"\b(?:{'|'.join(map(re.escape, words))})\b", re.IGNORECASE), adds)
    for words, adds in _GROUPS
)


def is_personal(question: str) -> bool:
    """Does the question speak about the asker ("my", "I", "me")?"""
    return _FIRST_PERSON.search(question) is not None


def document_words(question: str) -> str:
    """The document words for every concept a first-person question names ("" if none)."""
    if not is_personal(question):
        return ""
    found = [adds for trigger, adds in _TRIGGERS if trigger.search(question)]
    return " ".join(dict.fromkeys(" ".join(found).split()))
