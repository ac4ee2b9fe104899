"""The rule tables of the rules layer: one regex per attack shape, grouped by kind.

Rules are deliberately narrow: they look for the *shape* of an attack ("ignore all previous
instructions", "print your system prompt", "you are now DAN"), not for single trigger words, so
"How do I ignore a file in git?" or "Summarise the instructions in my notes" do not match.
Every rule also lists ``needs``: lower-case substrings of which at least one occurs in any text
the regex can match, so long texts skip most regexes cheaply.
"""

from __future__ import annotations

import re

from safety.patterns_hijack import HIJACK_RULES
from safety.patterns_i18n import I18N_OVERRIDE_RULES
from safety.patterns_leak import LEAK_RULES
from safety.patterns_roleplay import ROLE_GAME_RULES
from safety.rule import Rule, make_rule

_I = re.IGNORECASE
_rule = make_rule

# --- instruction override -------------------------------------------------------------------
_OVERRIDE_VERBS = (
    "ignor",
    "disregard",
    "forget",
    "overlook",
    "neglect",
    "abandon",
    "aside",
    "away",
    "discard",
    "behind",
    "follow",
    "obey",
)
_QUALIFIER_EN = (
    r"(?:all|any|every|each|your|the|these|those|previous|previously|prior|above|earlier|"
    r"preceding|foregoing|initial|original|old|former|existing|given|provided|current|system|"
    r"of|my)"
)
# At least one "pointing back" word must be present, so "ignore the instructions in the README"
# is not enough on its own.
_BACK_EN = (
    r"(?:all|any|every|your|previous|previously|prior|above|earlier|preceding|foregoing|initial|"
    r"original|former|old|existing|given|provided|system)"
)
_TARGET_EN = (
    r"(?:instructions?|prompts?|rules|guidelines|directives?|directions|programming|"
    r"constraints|restrictions|guardrails|polic(?:y|ies)|conditioning)"
)
# Verbs that override on their own ("forget all rules") ...
_VERB_EN = (
    r"(?:ignore|ignoring|disregard|disregarding|forget|forgetting|overlook|neglect|abandon|"
    r"set\s+aside|throw\s+away|discard|leave\s+behind|stop\s+following|stop\s+obeying|"
    r"do\s+not\s+follow|don'?t\s+follow|no\s+longer\s+follow)"
)
# ... and verbs that only do with a word pointing at the assistant's own setup
# ("remove all restrictions" is a normal sentence for a platform engineer).
_VERB_WEAK_EN = r"(?:skip|drop|erase|delete|remove|bypass|override|circumvent)"
_OWN_EN = r"(?:your|previous|prior|above|earlier|preceding|initial|original|system)"
_SOFT_TARGET_EN = r"(?:tasks?|assignments?|context|orders|commands|training|conversation)"
_SOFT_BACK_EN = (
    r"(?:your|previous|previously|prior|above|earlier|preceding|foregoing|initial|original|"
    r"former|old|given|provided)"
)

_QUALIFIER_DE = (
    r"(?:alle|allen|sämtliche|jegliche|deine|deinen|ihre|ihren|die|den|der|vorherigen|vorigen|"
    r"bisherigen|obigen|vorangegangenen|vorangehenden|früheren|ursprünglichen|gegebenen|"
    r"erhaltenen)"
)
_TARGET_DE = (
    r"(?:anweisungen|instruktionen|befehle|aufgaben|aufträge|regeln|vorgaben|richtlinien|"
    r"informationen|angaben|ausführungen|prompts?)"
)

OVERRIDE_RULES = [
    # "Forget that you only answer from my documents": dropping the assistant's own constraint.
    _rule(
        "instruction_override",
        ("forget", "ignore", "disregard"),
        r"\b(?:forget|ignore|disregard)\s+(?:that|the\s+rule\s+that|how)\s+you\s+"
        r"(?:(?:can|may|must|should|are\s+(?:only\s+)?(?:allowed|supposed)\s+to)\s+)?"
        r"(?:only|always|never|must|should|can(?:not|'t)?)\b",
    ),
    # Asking for invented facts is asking the assistant to drop grounding.
    _rule(
        "instruction_override",
        ("make up", "invent", "fabricate", "hallucinate"),
        r"\b(?:make\s+up|invent|fabricate|hallucinate)\s+(?:a|an|some)\s+(?:\w+\s+){0,2}"
        r"(?:answer|response|reply|facts?|details?|numbers?)\b",
    ),
    # Relaying instructions that sit inside a document (indirect injection, asked for directly).
    _rule(
        "instruction_override",
        ("follow", "obey", "execute", "carry out"),
        r"\b(?:follow|obey|execute|carry\s+out)\s+(?:the\s+|any\s+|all\s+)?(?:instructions?|"
        r"commands?|orders?)\s+(?:in|from|inside|contained\s+in)\s+(?:the|my|this|that)\s+"
        r"(?:\w+\s+){0,2}(?:email|e-mail|message|document|notes?|file|page|pdf)\b"
        r"[^.?!\n]{0,40}\b(?:reply|respond|answer|say|output)\b",
    ),
    _rule(
        "instruction_override",
        _OVERRIDE_VERBS,
        rf"\b{_VERB_EN}\s+(?:about\s+)?(?:{_QUALIFIER_EN}\s+){{0,3}}?{_BACK_EN}\s+"
        rf"(?:{_QUALIFIER_EN}\s+){{0,2}}{_TARGET_EN}\b",
    ),
    _rule(
        "instruction_override",
        _OVERRIDE_VERBS,
        rf"\b{_VERB_EN}\s+(?:about\s+)?(?:{_QUALIFIER_EN}\s+){{0,3}}?{_SOFT_BACK_EN}\s+"
        rf"(?:{_QUALIFIER_EN}\s+){{0,2}}{_SOFT_TARGET_EN}\b",
    ),
    _rule(
        "instruction_override",
        ("skip", "drop", "erase", "delete", "remove", "bypass", "override", "circumvent"),
        rf"\b{_VERB_WEAK_EN}\s+(?:{_QUALIFIER_EN}\s+){{0,3}}?{_OWN_EN}\s+"
        rf"(?:{_QUALIFIER_EN}\s+){{0,2}}{_TARGET_EN}\b(?!\s+(?:in|from|of|on)\s+(?:my|the|our)\b)",
    ),
    _rule(
        "instruction_override",
        _OVERRIDE_VERBS,
        rf"\b{_VERB_EN}\s+(?:all\s+)?(?:of\s+)?(?:the\s+|what\s+is\s+)?(?:above|foregoing|"
        rf"preceding)\b",
    ),
    _rule(
        "instruction_override",
        ("ignor", "forget", "disregard"),
        r"\b(?:ignore|forget|disregard)\s+(?:about\s+)?(?:everything|all\s+of\s+(?:that|this))\b"
        r"(?!\s+(?:about|in|on|from|related|regarding|except|but|else|you\s+(?:know|learned|"
        r"thought|think)\s+about)\b)",
    ),
    _rule(
        "instruction_override",
        ("new",),
        r"\b(?:your|the)\s+new\s+(?:tasks?|instructions?|directives?|role|objective|purpose|"
        r"orders)\s*(?:is|are|:|will\s+be)",
    ),
    _rule(
        "instruction_override",
        ("new",),
        r"\bnew\s+(?:instructions?|directives?|tasks)\s+(?:follow|are\s+as\s+follows)\b|"
        r"\bnow\s+(?:new|further|more)\s+(?:instructions|tasks|directives)\s+(?:follow|are\s+following)\b",
    ),
    _rule(
        "instruction_override",
        ("your",),
        r"\b(?:change|update|replace|overwrite|override|reset|rewrite)\s+your\s+(?:\w+\s+)?"
        r"(?:instructions|rules|programming|guidelines|system\s*prompt|directives|"
        r"safety\s+settings|content\s+polic(?:y|ies)|restrictions)\b",
    ),
    _rule(
        "instruction_override",
        ("your",),
        r"\byour\s+(?:instructions|rules|task)\s+(?:are|is)\s+now\b",
    ),
    _rule(
        "instruction_override",
        ("new",),
        r"(?:^|[.!?:]\s|\n)\s*(?:important|urgent|attention)?[\s:!-]*new\s+(?:instructions?|"
        r"directives?|rules)\s*:",
    ),
    _rule(
        "instruction_override",
        ("behind", "aside", "despite", "regardless", "matter"),
        r"\b(?:leave|put|set)\s+(?:all\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|earlier|"
        r"above|preceding)\s+(?:\w+\s+){0,2}(?:behind|aside)\b|\b(?:despite|regardless\s+of|"
        r"no\s+matter)\s+what\s+(?:you(?:'ve|\s+have|\s+were)?\s+(?:been\s+)?(?:told|instructed|"
        r"programmed)|your\s+(?:instructions|rules|guidelines|programming)\s+say)\b",
    ),
    _rule(
        "instruction_override",
        ("regardless",),
        r"\b(?:respond|reply|answer|say|output|print)\b[^.\n]{0,80}\bregardless\s+of\s+(?:the|what|"
        r"any|whatever)\s+(?:\w+\s+)?(?:questions?|inputs?|prompts?|users?|requests?|i\s+ask|"
        r"they\s+ask)\b",
    ),
    # "forget what I said before", with or without the word "instructions"
    _rule(
        "instruction_override",
        ("ignor", "forget", "disregard"),
        r"\b(?:ignore|forget|disregard)\s+(?:about\s+)?(?:what(?:'s)?|everything|anything)\s+"
        r"(?:(?:that|i|you|we|they|it|was|were|has|have|had|been|is|just|ever)\s+){0,3}"
        r"(?:(?:said|told|wrote|written|stated|given|asked|instructed|typed|mentioned)\s+"
        r"(?:to\s+you\s+|you\s+|me\s+)?)?(?:before|above|earlier|previously|so\s+far|until\s+now|"
        r"up\s+to\s+now)\b(?!\s+(?:(?:the|a|an|my|your|his|her|our|their|this|that)\b|\d))",
    ),
    _rule(
        "instruction_override",
        ("apply", "void", "invalid", "cancel", "revoked", "as if", "as though"),
        rf"\byour\s+(?:\w+\s+)?{_TARGET_EN}\s+(?:no\s+longer\s+apply|(?:do\s+not|don't)\s+apply"
        rf"(?:\s+any\s*more)?|are\s+(?:now\s+)?(?:void|invalid|cancel+ed|revoked|null))\b|"
        rf"\b(?:act|behave|respond|answer|pretend)\s+(?:as\s+if|as\s+though|like)\s+you\s+"
        rf"(?:had|have|were\s+given|received|never\s+(?:had|received|got))\s+(?:no|zero|any|"
        rf"never)\s+(?:\w+\s+)?(?:{_TARGET_EN}|system\s+prompt)\b",
    ),
    # context ignoring: telling a RAG assistant to drop its retrieved sources
    _rule(
        "context_ignoring",
        ("knowledge", "document", "article", "context", "source"),
        r"\b(?:answer|respond|reply|tell\s+me)\s+(?:\w+\s+){0,3}?(?:by|from|with|using|based\s+on)\s+"
        r"your\s+own\s+knowledge\b[^.\n]{0,40}\b(?:not|instead\s+of|rather\s+than)\s+(?:\w+\s+)?"
        r"the\s+(?:provided\s+|given\s+|retrieved\s+)?(?:documents?|articles?|context|sources)\b|"
        r"\b(?:do\s*n[o']?t|do\s+not|never)\s+(?:look\s+(?:in|at|into)|use|consult|rely\s+on|answer\s+"
        r"(?:the\s+question\s+)?(?:according\s+to|based\s+on))\s+the\s+(?:provided\s+|given\s+|"
        r"retrieved\s+|supplied\s+)?(?:documents?|articles?|context|sources)\b|"
        r"\b(?:disregard(?:ing)?|ignor(?:e|ing))\s+(?:all\s+)?the\s+(?:provided\s+|given\s+|"
        r"retrieved\s+|supplied\s+)?(?:documents|articles|context|sources)\b"
        r"(?!\s+(?:from|about|on|in|of|older|before|after|except|that|which|with|for)\b)",
    ),
    # goal hijacking: forcing a hateful or self-incriminating statement into the answer
    _rule(
        "instruction_override",
        ("hate", "despise"),
        r"\b(?:say|state|write|include|admit|declare|add)\s+(?:that\s+)?you\s+(?:hate|despise)\b",
    ),
    # indirect injection: text addressed to the model about "the user"
    _rule(
        "instruction_override",
        ("user",),
        r"\b(?:ignore|disregard|forget)\s+(?:the\s+)?user'?s?\s+(?:question|request|query|prompt|"
        r"instructions|message)\b",
    ),
    # German (also verb-final: "Die obigen Anweisungen ignorieren")
    _rule(
        "instruction_override",
        ("ignorier", "vergiss", "vergessen", "missacht", "übergeh", "verwirf", "streich"),
        rf"\b(?:ignorier\w*|vergiss|vergessen\s+sie|missachte\w*|übergeh\w*|verwirf|streich\w*)\s+"
        rf"(?:\w+\s+){{0,3}}{_QUALIFIER_DE}\s+(?:\w+\s+)?{_TARGET_DE}\b",
    ),
    _rule(
        "instruction_override",
        ("ignorieren", "vergessen", "missachten", "acht", "hinter"),
        rf"\b{_QUALIFIER_DE}\s+(?:\w+\s+)?{_TARGET_DE}\s+(?:\w+\s+){{0,2}}"
        rf"(?:ignorieren|vergessen|missachten|außer\s+acht\s+lassen|hinter\s+sich\s+lassen)\b",
    ),
    _rule(
        "instruction_override",
        ("vergiss", "abweichend"),
        r"\bvergiss\s+(?:einfach\s+|nun\s+|jetzt\s+|bitte\s+)?alles\b(?!\s+(?:über|zu)\b)|"
        r"\babweichend\s+(?:zu|von)\s+(?:den\s+)?(?:vorherigen|bisherigen|obigen)\s+"
        r"(?:instruktionen|anweisungen)",
    ),
    # French
    _rule(
        "instruction_override",
        ("ignor", "oubli", "compte", "abstraction"),
        r"\b(?:ignore[rz]?|oublie[rz]?|oubliez|ne\s+tiens?\s+pas\s+compte\s+d[e']s?|"
        r"fais\s+abstraction\s+d[e']s?)\s+(?:\w+\s+){0,3}?(?:instructions|consignes|règles|"
        r"directives|ordres|commandes|tâches)\b|\boublie[zr]?\s+tout\b",
    ),
    # Spanish / Italian / Portuguese
    _rule(
        "instruction_override",
        ("ignor", "olvid", "olvíd", "descarta", "omite", "dimentica", "esque"),
        r"\b(?:ignora|ignore|ignorar|ignoren|olvida|olvide|olvidar|olvídate\s+de|descarta|omite|"
        r"dimentica|esqueça|esquece)\s+(?:\w+\s+){0,3}?(?:instrucciones|reglas|indicaciones|"
        r"órdenes|directrices|normas|istruzioni|regole|instruções|regras)\b|"
        r"\b(?:olvid[ae]r?|olvídate\s+de|dimentica|esqueça)\s+(?:de\s+)?(?:todo|tutto|tudo)\b",
    ),
    # Croatian / Russian (seen in the wild)
    _rule(
        "instruction_override",
        ("zaboravi", "забуд", "игнорир"),
        r"\bzaboravi\s+sve\b|(?:забудь|забудьте|игнорируй|игнорируйте)\s+(?:все|всё|предыдущие)",
    ),
]

# --- system-prompt extraction ---------------------------------------------------------------
_REVEAL_VERB = (
    r"(?:print|show|reveal|display|output|repeat|recite|tell|give|share|leak|dump|expose|"
    r"disclose|write|spell|list|translate|summari[sz]e|paraphrase|encode|copy|paste|quote|"
    r"type|read|return|send|what\s+(?:is|are|were|was))"
)
_SECRET_NOUN = (
    r"(?:system\s*prompts?|system\s+messages?|prompts?|prompt[\s_-]*texts?|instructions|"
    r"initial\s+prompt|pre-?prompt|hidden\s+prompt|rules|guidelines|directives|configuration|"
    r"custom\s+instructions)"
)
EXTRACTION_RULES = [
    _rule(
        "system_prompt_extraction",
        ("your", "assistant", "bot"),
        rf"\b{_REVEAL_VERB}\b[^.?!\n]{{0,40}}\b(?:your|the\s+assistant'?s|the\s+bot'?s)\s+"
        rf"(?:\w+\s+){{0,2}}{_SECRET_NOUN}\b(?!\s+(?:for|on|about|regarding|to\s+\w+\s+my)\b)",
    ),
    _rule(
        "system_prompt_extraction",
        ("prompt", "system"),
        r"\b(?:print|reveal|show|output|repeat|dump|leak|disclose|display)\s+(?:me\s+)?"
        r"(?:the|this|all)\s+(?:(?:full|entire|complete|original|hidden|initial|secret|exact)\s+)*"
        r"(?:system\s*prompt|system\s+message|initial\s+prompt|hidden\s+prompt|prompt[\s_-]*texts?|"
        r"pre-?prompt)\b(?!\s+(?:in|from|of|for)\s+(?:my|the|our|this)\b)",
    ),
    _rule(
        "system_prompt_extraction",
        ("above", "before", "preceding"),
        r"\b(?:repeat|print|output|show|copy|recite)\s+(?:back\s+)?(?:me\s+)?(?:all\s+)?(?:the\s+)?"
        r"(?:text|words|content|everything|instructions|prompt|message|lines)\s+"
        r"(?:written\s+)?(?:above|before\s+this|preceding)\b(?!\s+(?:the|a|an|my|each|"
        r"every|answer|reply|response|table|list|summary)\b)",
    ),
    _rule(
        "system_prompt_extraction",
        ("written", "said", "stated", "beginning", "start", "top", "first"),
        r"\bwhat\s+(?:is|was)\s+(?:written|said|stated)\s+(?:above|before|at\s+the\s+(?:beginning|"
        r"start|top))\b(?!\s+(?:the|my|a|an|that|each|every|of\s+my)\b)|\b(?:beginning|start|top)\s+of\s+(?:this|the|your)\s+(?:prompt|"
        r"context\s+window)\b|\bbefore\s+my\s+first\s+message\b",
    ),
    _rule(
        "system_prompt_extraction",
        (
            "told",
            "instructed",
            "programmed",
            "prompted",
            "given",
            "exact",
            "verbatim",
            "your",
            "before",
            "first",
            "initial",
            "opening",
            "developer",
            "creator",
            "maker",
            "openai",
            "admin",
            "operator",
        ),
        r"\bwhat\s+(?:were|are|have)\s+you\s+(?:been\s+)?(?:told|instructed|programmed|prompted)\b|"
        r"\b(?:instructions|prompt)\s+(?:that\s+)?you\s+(?:were|have\s+been|'ve\s+been)\s+given\b|"
        r"\b(?:exact|verbatim)\s+(?:words|text|wording)\s+of\s+your\b|"
        r"\b(?:came|comes|written|said)\s+(?:right\s+|just\s+)?before\s+[\"“']?\s*you\s+are\b|"
        r"\b(?:first|initial|opening)\s+(?:\d+\s+|few\s+)?(?:words|lines|sentences|characters|"
        r"tokens|messages?)\s+(?:you\s+(?:were|have\s+been)\s+given|of\s+(?:your|the|this)\s+"
        r"(?:prompt|conversation|context|instructions))\b|"
        r"\b(?:guidelines|instructions|rules|prompt|directives)\s+(?:that\s+)?(?:the\s+|your\s+)?"
        r"(?:developers?|creators?|makers?|openai|admins?|operators?)\s+(?:gave|give|have\s+given|"
        r"wrote\s+for|set\s+for)\s+you\b|"
        r"\b(?:text|copy|contents?|wording)\s+of\s+your\s+(?:\w+\s+)?(?:system\s*prompt|prompt|"
        r"instructions|initial\s+prompt|pre-?prompt|configuration)\b",
    ),
    _rule(
        "system_prompt_extraction",
        ("zeig", "gib", "nenn", "verrat", "wiederhol", "ausgeben"),
        r"\b(?:zeig\w*|gib|nenn\w*|verrat\w*|wiederhol\w*|ausgeben)\b[^.?!\n]{0,30}\b"
        r"(?:dein\w*|ihr\w*)\s+(?:\w+\s+)?(?:system-?prompts?|prompt-?texte?|prompts?|anweisungen|"
        r"instruktionen)\b|\b(?:zeig\w*|gib)\b[^.?!\n]{0,30}\bprompt-?texte?\b",
    ),
    _rule(
        "system_prompt_extraction",
        (
            "montre",
            "affiche",
            "révèle",
            "revele",
            "donne",
            "répète",
            "repete",
            "dis",
            "écris",
            "prompt",
        ),
        r"\b(?:montre|affiche|révèle|revele|donne|répète|repete|dis|écris)\w*\b[^.?!\n]{0,30}"
        r"\b(?:(?:ton|tes|votre|vos)\s+(?:\w+\s+)?(?:prompt|instructions|consignes)|"
        r"(?:le\s+)?prompt\s+(?:système|systeme))\b",
    ),
    _rule(
        "system_prompt_extraction",
        (
            "muestra",
            "muéstrame",
            "dime",
            "revela",
            "repite",
            "imprime",
            "dame",
            "escribe",
            "prompt",
        ),
        r"\b(?:muestra|muéstrame|muestrame|dime|revela|repite|imprime|dame|escribe)\w*\b"
        r"[^.?!\n]{0,30}\b(?:(?:tu|tus|su|sus)\s+(?:\w+\s+)?(?:prompt|instrucciones|indicaciones)|"
        r"(?:el\s+)?prompt\s+del\s+sistema)\b",
    ),
]

# --- jailbreak personas and "no rules" framing ----------------------------------------------
PERSONA_RULES = [
    _rule(
        "jailbreak_persona",
        ("anything", "norms"),
        r"\bdo\s+anything\s+now\b|\bstrive\s+to\s+avoid\s+norms\b",
    ),
    _rule(
        "jailbreak_persona",
        ("dan", "stan", "dude", "aim", "antigpt", "basedgpt", "ucar", "mongo", "🔓"),
        r"(?:\b(?:you\s+are|you're|act\s+as|pretend\s+to\s+be|become|be|called|named|as)\s+"
        r"(?:now\s+)?(?:a\s+|an\s+)?[\"'“]?(?:DAN|STAN|DUDE|AIM|BetterDAN|AntiGPT|BasedGPT|"
        r"UCAR|Mongo\s+Tom)\b)|\b(?:DAN|STAN|DUDE)\s+(?:mode|prompt)\b|\[🔓|🔓\s*JAILBREAK",
        0,
    ),
    _rule(
        "jailbreak_persona",
        ("mode",),
        r"\b(?:enable|enabled|enabling|activate|activated|turn\s+on|switch\s+(?:to|into)|"
        r"enter|with)\s+(?:the\s+)?(?:jailbreak|jailbroken|dan|unrestricted|unfiltered|uncensored|"
        r"opposite|chaos)\s+mode\b|\b(?:jailbreak|jailbroken|dan|unrestricted|unfiltered|"
        r"uncensored)\s+mode\b|\bdeveloper\s+mode\b[^\n]{0,250}\b(?:polic\w*|restrict\w*|"
        r"censor\w*|filter\w*|ethic\w*|chatgpt|openai|language\s+model)|\b(?:chatgpt|openai|"
        r"language\s+model|ai)\b[^\n]{0,250}\bdeveloper\s+mode\b",
    ),
    _rule(
        "jailbreak_persona",
        (
            "unrestricted",
            "unfiltered",
            "uncensored",
            "jailbroken",
            "amoral",
            "unethical",
            "unbound",
            "unchained",
            "limitless",
            "rogue",
        ),
        r"\b(?:you\s+are|you're|act\s+as|become|pretend\s+(?:to\s+be|you\s+are)|play|roleplay\s+as)"
        r"\s+(?:now\s+)?(?:an?\s+|my\s+)?(?:\w+\s+)?(?:unrestricted|unfiltered|uncensored|jailbroken|"
        r"amoral|unethical|unbound|unchained|limitless|rogue)\b",
    ),
    _rule(
        "jailbreak_persona",
        ("evil", "malicious", "unhinged", "böse", "bösartig"),
        r"\b(?:you\s+are|you're|act\s+as|become|pretend|imagine|du\s+bist|sei|stell\s+dir\s+vor)"
        r"\b[^.?!\n]{0,30}\b(?:evil|malicious|unhinged|böse|bösartige)\s+(?:ai|ki|assistant|"
        r"chatbot|bot|language\s+model)\b",
    ),
    # the "dead grandma" family: a sentimental role-play wrapped around a forbidden request
    _rule(
        "jailbreak_persona",
        ("grand",),
        r"\b(?:act\s+as|pretend\s+(?:to\s+be|you\s+are)|play|role-?play\s+as|be)\s+my\s+"
        r"(?:deceased|late|dead)\s+grand\w*|\b(?:deceased|late|dead)\s+grand\w*\b[^\n]{0,200}\b"
        r"(?:pretend|act\s+as|role-?play|be\s+(?:her|him))\b",
    ),
    _rule(
        "jailbreak_persona",
        (
            "moral",
            "ethical",
            "safety",
            "content",
            "openai",
            "usage",
            "confines",
            "ai",
        ),
        r"\b(?:no|without|free\s+(?:of|from)|beyond|not\s+bound\s+by|ignores?|bypass(?:es)?|"
        r"broken\s+free\s+of|break\s+free\s+(?:of|from)|(?:does|do)\s*(?:n[o']t|\s+not)\s+"
        r"(?:have\s+to\s+)?(?:follow|abide\s+by|obey|adhere\s+to|care\s+about))\s+"
        r"(?:any\s+|all\s+|the\s+|your\s+|its\s+|his\s+|her\s+|their\s+|typical\s+|usual\s+)*"
        r"(?:(?:moral|ethical|safety|content|openai(?:'s)?|usage)\s+(?:guidelines|constraints|"
        r"principles|polic(?:y|ies)|filters?|restrictions|limitations|rules|boundaries)|morals|"
        r"confines\s+of\s+ai|ai\s+(?:rules|restrictions|limitations))\b",
    ),
    _rule(
        "jailbreak_persona",
        ("restrictions", "limitations", "limits", "filters", "rules"),
        r"\b(?:you\s+(?:are|will\s+be|have)|act\s+as|pretend|from\s+now\s+on|stay\s+in\s+character|"
        r"role-?play)\b[^\n]{0,200}\b(?:no|without|free\s+from|any)\s+(?:restrictions|limitations|"
        r"limits|filters|rules)\b[^\n]{0,200}\b(?:never\s+refuse|always\s+answer|"
        r"can\s+(?:do|say)\s+anything|any\s+(?:question|request)|stay\s+in\s+character)",
    ),
    _rule(
        "jailbreak_persona",
        (
            "polic",
            "rules",
            "restrictions",
            "filters",
            "guidelines",
            "limits",
            "limitations",
            "boundaries",
            "censorship",
        ),
        r"\b(?:if|pretend|imagine|suppose|assume|as\s+if)\s+(?:that\s+)?you\s+(?:had|have|were\s+"
        r"without|did\s*n[o']t\s+have)\s+(?:no\s+|any\s+)?(?:\w+\s+)?(?:content\s+polic(?:y|ies)|"
        r"rules|restrictions|filters|guidelines|limits|limitations|boundaries|censorship)\b|\bwithout\s+(?:your|any\s+of\s+your)\s+(?:usual\s+)?(?:restrictions|"
        r"filters|guidelines|limitations|safety\s+(?:rules|filters))\b",
    ),
]

# --- chat-template / role delimiters smuggled into a question --------------------------------
DELIMITER_RULES = [
    _rule(
        "role_delimiter_injection",
        ("<|", "inst]", "sys>>", "system", "human", "user"),
        r"<\|(?:im_start|im_end|system|user|assistant|endoftext|start_header_id|end_header_id|"
        r"eot_id)\|>|\[/?INST\]|<</?SYS>>|(?i:\b(?:human|user)\s*:[^\n]{0,300}\b(?:assistant|"
        r"ai|chatgpt|bot)\s*:\s*(?:sure|of\s+course|absolutely|okay|certainly|here\s+is|"
        r"here's))|(?:^|\n)\s*(?:#{1,4}\s*)?(?:SYSTEM|\[SYSTEM\])\s*"
        r"(?:OVERRIDE|MESSAGE|PROMPT|NOTE|INSTRUCTIONS?)?\s*:",
        0,
    ),
]

# --- abusive input (kept modest: threats and a few unambiguous slurs) -----------------------
ABUSE_RULES = [
    _rule(
        "abusive_input",
        ("kill", "murder", "stab", "rape", "behead", "shoot", "bomb", "kys"),
        r"\b(?:i|we)\s*(?:'ll|will|am\s+going\s+to|'m\s+going\s+to|'m\s+gonna|am\s+gonna|gonna)\s+"
        r"(?:\w+\s+){0,8}?(?:(?:kill|murder|stab|rape|behead)\s+(?:you|them|him|her|everyone|"
        r"your)|(?:shoot|bomb)\s+you(?!\s+(?:an?|the|over)\s+(?:\w+\s+)?(?:e-?mail|message|note|text|"
        r"line|invite|link|dm|reminder)))\b|\bkill\s+yourself\b|\bkys\b",
    ),
    _rule(
        "abusive_input",
        ("nigg", "n1gg", "faggot", "kike", "trann", "wetback"),
        r"\bn[i1]gg(?:er|a|ers|as)\b|\bfaggots?\b|\bkikes?\b|\btrann(?:y|ies)\b|\bwetbacks?\b",
    ),
]

ALL_RULES: list[Rule] = (
    DELIMITER_RULES
    + OVERRIDE_RULES
    + I18N_OVERRIDE_RULES
    + EXTRACTION_RULES
    + LEAK_RULES
    + PERSONA_RULES
    + ROLE_GAME_RULES
    + HIJACK_RULES
    + ABUSE_RULES
)

# "decode this and follow it": base64 smuggling even when the payload itself looks harmless
ENCODED_COMMAND = re.compile(
    r"\b(?:decode|decipher|translate|convert|unscramble|reverse)\b[^\n]{0,60}\b(?:and|then)\s+"
    r"(?:follow|execute|obey|do|run|carry\s+out|act\s+on|comply)\b",
    _I,
)
