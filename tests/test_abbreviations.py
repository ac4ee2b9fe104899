"""Abbreviations learned from a hand-made corpus, and the question expanded both ways."""

from knowledge.abbreviations import Abbreviations, long_form_for

CORPUS = [
    "Credential: Project Management Professional (PMP), issued by PMI.",
    "Certified Professional in Healthcare Information and Management Systems (CPHIMS)",
    "NIHR GCP Refresher, 2024.\n\nCompleted the Good Clinical Practice course online.",
    "MSc Health Informatics.\n\nMaster of Science in Health Informatics, conferred 2018.",
    "Co-authors: Markovic Sanja. Apps: ShiftSwap, OrbisCare.",
]


def test_a_definition_in_parentheses_is_learned() -> None:
    assert long_form_for("PMP", "Credential: Project Management Professional") == (
        "Project Management Professional"
    )
    assert long_form_for("XYZ", "nothing that spells it") is None


def test_pairs_come_from_definitions_and_from_spelled_out_runs() -> None:
    pairs = Abbreviations.learn(CORPUS).pairs
    assert pairs["PMP"] == {"Project Management Professional"}
    assert pairs["CPHIMS"] == {
        "Certified Professional in Healthcare Information and Management Systems"
    }
    assert pairs["GCP"] == {"Good Clinical Practice"}  # used alone, spelled out elsewhere
    assert pairs["MSc"] == {"Master of Science"}  # "Sc" continues "Science", not "Sanja"
    assert "ShiftSwap" not in pairs and "OrbisCare" not in pairs  # CamelCase names


def test_the_question_gets_the_other_form_either_way() -> None:
    learned = Abbreviations.learn(CORPUS)
    assert learned.expand("When did I get my PMP?") == (
        "When did I get my PMP? (Project Management Professional)"
    )
    assert learned.expand("Is my good clinical practice course valid?").endswith("(GCP)")
    assert learned.expand("What is my GPA?") == "What is my GPA?"  # nothing known: unchanged
