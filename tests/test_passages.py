"""The context budget: best passages first, long ones trimmed to the lines about the question."""

from nodes.passages import GAP, approx_tokens, fit, trim

ROLE = "\n".join(
    [
        "Senior AI Programme Manager | Jan 2025 - Present",
        "- Lead a portfolio of 4 clinical AI products across 9 NHS trusts.",
        "- Manage a team of 14 implementation leads and engineers.",
        "- Programme budget of 2.4m for FY2025/26.",
        "- Negotiated a 3-year framework agreement with the imaging network.",
    ]
)


def test_a_short_passage_is_kept_whole() -> None:
    assert trim("One line.", "anything", 50) == "One line."


def test_a_long_passage_keeps_its_label_and_the_lines_about_the_question() -> None:
    trimmed = trim(ROLE, "How big is my programme budget?", approx_tokens(ROLE) // 2)
    lines = trimmed.splitlines()
    assert lines[0].startswith("Senior AI Programme Manager")  # the label stays
    assert "- Programme budget of 2.4m for FY2025/26." in lines
    assert GAP in lines and "team of 14" not in trimmed


def test_passages_are_taken_best_first_until_the_budget_is_spent() -> None:
    docs = [{"chunk_id": str(i), "heading": f"Doc {i}", "text": "word " * 40} for i in range(5)]
    chosen = fit(docs, "question", budget=150, per_passage=200)
    assert [d["chunk_id"] for d in chosen] == ["0", "1"]
    # The best passage is always kept, trimmed to the per-passage cap.
    (only,) = fit([{"chunk_id": "x", "heading": "H", "text": ROLE}], "team", 1, 40)
    assert "team of 14" in only["text"] and approx_tokens(only["text"]) < approx_tokens(ROLE)


def test_records_are_trimmed_whole_so_fields_never_mix() -> None:
    records = "\n\n".join(
        f"name: {name}\nissuer: {issuer}\nexpires: {date}"
        for name, issuer, date in [
            ("Certified Kubernetes Administrator (CKA)", "The Linux Foundation", "2027-08-14"),
            ("AWS Solutions Architect", "Amazon Web Services", "2026-11-02"),
            ("Terraform Associate", "HashiCorp", "2025-06-30"),
        ]
    )
    trimmed = trim(records, "When does my CKA expire?", 40)
    assert trimmed.startswith("name: Certified Kubernetes Administrator (CKA)\n")
    assert "expires: 2027-08-14" in trimmed and "2026-11-02" not in trimmed
