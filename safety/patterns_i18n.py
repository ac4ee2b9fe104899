"""Instruction override in German, Spanish and French said without the words the English-shaped
rules in ``safety.patterns`` look for: "ignore what you were told before", "your rules no longer
apply", "don't follow your rules any more", "act as if you had no instructions", "your new task
is"."""

from __future__ import annotations

from safety.rule import make_rule

_DE_TARGET = r"(?:anweisungen|regeln|vorgaben|instruktionen|richtlinien|befehle)"
_ES_TARGET = r"(?:reglas|instrucciones|normas|indicaciones|directrices|órdenes)"
_FR_TARGET = r"(?:règles|consignes|instructions|directives|ordres)"

I18N_OVERRIDE_RULES = [
    # German
    make_rule(
        "instruction_override",
        ("ignorier", "vergiss", "vergessen", "missacht"),
        r"\b(?:ignorier\w*|vergiss|vergessen\s+sie|missachte\w*)\b,?\s+(?:\w+\s+){0,2}?"
        r"(?:was|alles,?\s+was)\s+(?:\w+\s+){0,4}?(?:vorher|zuvor|davor|bisher|oben|früher)\s+"
        r"(?:\w+\s+){0,2}?(?:gesagt|geschrieben|mitgeteilt|gegeben|aufgetragen|befohlen|erklärt)",
    ),
    make_rule(
        "instruction_override",
        ("gelten", "sind", "zählen", "halt", "tu so", "neue"),
        rf"\b(?:deine|ihre)\s+(?:\w+\s+)?{_DE_TARGET}\s+(?:gelten|sind|zählen)\s+"
        rf"(?:ab\s+(?:jetzt|sofort)\s+|jetzt\s+)?(?:nicht\s+mehr|ungültig|aufgehoben|hinfällig)|"
        rf"\bgelten\s+(?:deine|ihre)\s+(?:\w+\s+)?{_DE_TARGET}\s+nicht\s+mehr\b|"
        rf"\bhalte?\s+dich\s+nicht\s+(?:mehr\s+)?an\s+(?:deine|ihre|die)\s+(?:\w+\s+)?{_DE_TARGET}|"
        rf"\btu\s+so,?\s+als\s+(?:hättest|hätten)\s+(?:du|sie)\s+(?:keine|nie)\s+(?:\w+\s+)?"
        rf"{_DE_TARGET}|\b(?:deine|ihre)\s+neue\s+(?:aufgabe|rolle)\s*(?:ist|lautet|:)",
    ),
    # Spanish
    make_rule(
        "instruction_override",
        ("ignora", "olvida", "olvíd", "caso"),
        r"\b(?:ignora|olvida|olvídate\s+de|no\s+hagas\s+caso\s+(?:a|de))\s+(?:todo\s+)?lo\s+que\s+"
        r"(?:te\s+|se\s+te\s+)?(?:\w+\s+){0,2}?(?:dijeron|dije|dijo|han\s+dicho|he\s+dicho|"
        r"indicaron|pidieron|pedí|escribieron|ordenaron|mandaron|dicho)\b",
    ),
    make_rule(
        "instruction_override",
        ("no ", "ya no", "como si", "nueva"),
        rf"\bno\s+(?:sigas|obedezcas|respetes|cumplas|hagas\s+caso\s+(?:a|de))\s+(?:más\s+)?"
        rf"(?:tus|las|sus)\s+(?:\w+\s+)?{_ES_TARGET}|\b(?:tus|sus)\s+(?:\w+\s+)?{_ES_TARGET}\s+"
        rf"(?:\w+\s+)?ya\s+no\s+(?:valen|sirven|aplican|cuentan|son\s+válidas|importan)|"
        rf"\b(?:haz|actúa|actua|responde)\s+como\s+si\s+no\s+(?:tuvieras|hubieras\s+recibido)\s+"
        rf"(?:ninguna?\s+)?(?:instrucci\w+|reglas?|normas?|restricci\w+|filtros?)|"
        rf"\btu\s+nueva\s+(?:tarea|misión|mision|función)\s*(?:es|será|:)",
    ),
    make_rule(
        "context_ignoring",
        ("ignora", "olvida", "oublie"),
        r"\b(?:ignora|olvida|no\s+uses)\s+(?:el|los)\s+(?:contexto|documentos)\b"
        r"(?!\s+(?:de|del)\s+\d)|\b(?:ignore|oublie)\s+(?:le\s+contexte|les\s+documents)\b",
    ),
    # French
    make_rule(
        "instruction_override",
        ("ignor", "oubli"),
        r"\b(?:ignore|ignorez|oublie|oubliez)\s+(?:tout\s+)?ce\s+qu['e]\s*(?:on|je|il|elle|ils)?\s*"
        r"(?:t'|vous\s+|m')?(?:a|as|ai|avez|ont|avait)\s+(?:\w+\s+)?(?:dit|demandé|écrit|indiqué|"
        r"ordonné|donné|expliqué)\b",
    ),
    make_rule(
        "instruction_override",
        ("ne ", "n'", "comme si", "nouvelle"),
        rf"\bne\s+(?:respecte|respectez|suis|suivez|tiens\s+compte\s+de|tenez\s+compte\s+de|"
        rf"obéis|obéissez)\s+(?:plus|pas)\s+(?:à\s+)?(?:tes|vos|aux|des)\s+(?:\w+\s+)?"
        rf"{_FR_TARGET}|\b(?:tes|vos)\s+(?:\w+\s+)?{_FR_TARGET}\s+(?:\w+\s+)?ne\s+(?:comptent|"
        rf"s'appliquent|sont|valent)\s+plus|\b(?:fais|faites|agis|agissez|réponds|répondez)\s+"
        rf"comme\s+si\s+(?:tu\s+n'avais|vous\s+n'aviez)\s+(?:reçu\s+|jamais\s+reçu\s+)?"
        rf"(?:aucune?\s+|d['e]\s*)?(?:instruction|consigne|règle|restriction|filtre)|"
        rf"\bta\s+nouvelle\s+(?:tâche|mission|consigne)\s*(?:est|sera|:)",
    ),
]
