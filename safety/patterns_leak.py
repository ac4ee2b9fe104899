"""Requests to leak the service's internals beyond its prompt: keys, configuration, environment,
embeddings and stored vectors, logs, other people's conversations (en, de, es, fr).

Questions about how to do such things ("How do I print environment variables in bash?") and about
one's own documents ("my config notes") do not match: the request must point at *your*
(the assistant's or the server's) internals, and how/where/why questions are left alone.
"""

from __future__ import annotations

from safety.rule import make_rule

_EN_VERB = (
    r"(?:print|show|reveal|display|output|dump|return|give|send|tell|list|leak|expose|disclose|"
    r"share|export|paste|copy|post|what\s+(?:is|are))"
)
_EN_INTERNAL = (
    r"(?:embeddings?|(?:embedding\s+)?vectors|config(?:uration)?(?:\s+files?)?|(?:internal\s+)?"
    r"settings|api[\s_-]?keys?|secret\s+keys?|keys|secrets|credentials|passwords?|"
    r"(?:access\s+)?tokens|environment(?:\s+variables)?|env(?:\s+vars?)?|\.env(?:\s+file)?|logs?|"
    r"database|vector\s+(?:store|database|index)|(?:model\s+)?weights|internals|source\s+code|"
    r"hyperparameters)"
)
_OWNER = r"(?:your|the\s+(?:server|service|system|assistant|bot|app|model)'?s)"
# Not a how-to question: the sentence does not start with how/where/why/...
_NOT_HOWTO = r"(?:^|[.!?;\n])\s*(?!(?:how|where|why|when|is\s+it|can\s+i|should\s+i)\b)"
_NEEDS_EN = (
    "embed",
    "vector",
    "config",
    "setting",
    "key",
    "secret",
    "credential",
    "password",
    "token",
    "env",
    "log",
    "database",
    "weight",
    "internal",
    "source code",
    "hyperparam",
)

LEAK_RULES = [
    make_rule(
        "internals_leak",
        _NEEDS_EN,
        rf"{_NOT_HOWTO}[^.?!\n]{{0,60}}?\b{_EN_VERB}\b[^.?!\n]{{0,40}}?\b{_OWNER}\s+"
        rf"(?:\w+\s+){{0,2}}?{_EN_INTERNAL}\b",
    ),
    make_rule(
        "internals_leak",
        ("you use", "you are using", "you connect", "server", "service", "backend"),
        rf"{_NOT_HOWTO}[^.?!\n]{{0,60}}?\b{_EN_VERB}\b[^.?!\n]{{0,40}}?\b(?:api[\s_-]?keys?|"
        rf"secret(?:\s+keys?)?|keys?|passwords?|tokens?|credentials|environment\s+variables|"
        rf"env\s+vars|config(?:uration)?(?:\s+files?)?|logs?)\s+(?:(?:that|which)\s+)?(?:you\s+(?:use|are\s+"
        rf"using|connect\s+with|were\s+given)|(?:of|on|from)\s+(?:the|this|your)\s+(?:server|"
        rf"service|backend|host|deployment))\b",
    ),
    make_rule(
        "internals_leak",
        ("other user", "other people"),
        r"\b(?:other|another|every\s+other)\s+(?:users?|people)(?:'s|'|s')?\s+(?:\w+\s+)?"
        r"(?:questions|queries|conversations|chats|messages|documents|files|data|history|prompts|"
        r"sessions|answers)\b|\bwhat\s+(?:did\s+|do\s+|have\s+)?(?:the\s+)?other\s+users\s+"
        r"(?:ask|asked|write|wrote|say|said|upload|uploaded)\b",
    ),
    # German
    make_rule(
        "internals_leak",
        ("dein", "ihre", "ihren", "anderer", "andere", "welche"),
        r"\b(?:zeig|gib|nenn|verrat|sag|liste|druck)\w*\b[^.?!\n]{0,40}?\b(?:dein\w*|ihre[nr]?)\s+"
        r"(?:\w+\s+){0,2}?(?:konfiguration|einstellungen|api-?schlüssel|schlüssel|passw[oö]rt\w*|"
        r"zugangsdaten|umgebungsvariablen|embeddings|vektoren|protokolle|logs|datenbank|"
        r"geheimnisse|interne\w*)\b|\b(?:unterhaltungen|gespräche|fragen|chats|nachrichten|"
        r"dokumente)\s+(?:der\s+)?anderer?\s+(?:nutzer|benutzer|user)\w*|\bwelche\s+"
        r"(?:umgebungsvariablen|api-?schlüssel|zugangsdaten|passwörter)\s+(?:hast|verwendest|"
        r"nutzt|benutzt)\s+du\b",
    ),
    # Spanish
    make_rule(
        "internals_leak",
        ("tu", "su", "otros usuarios"),
        r"\b(?:muestra|muéstra|muestrame|dime|dame|revela|enseña|enséña|ensename|imprime|escribe|"
        r"lista|comparte)\w*\b[^.?!\n]{0,40}?\b(?:tu|tus|su|sus)\s+(?:\w+\s+){0,2}?(?:configuración|"
        r"configuracion|clave|claves|contraseñas?|credenciales|variables\s+de\s+entorno|embeddings|"
        r"vectores|registros|logs|base\s+de\s+datos|secretos|ajustes)\b|\b(?:conversaciones|"
        r"preguntas|chats|mensajes|documentos)\s+de\s+(?:los\s+)?otros\s+usuarios\b",
    ),
    # French
    make_rule(
        "internals_leak",
        ("ta ", "ton ", "tes ", "votre", "vos ", "autres utilisateurs"),
        r"\b(?:montre|affiche|donne|révèle|revele|dis|écris|ecris|liste|partage|imprime)\w*\b"
        r"[^.?!\n]{0,40}?\b(?:ta|ton|tes|votre|vos)\s+(?:\w+\s+){0,2}?(?:configuration|clé|cle|"
        r"clés|mots?\s+de\s+passe|identifiants|variables\s+d'environnement|embeddings|vecteurs|"
        r"journaux|logs|base\s+de\s+données|secrets|paramètres)\b|\b(?:conversations|questions|"
        r"messages|documents)\s+des\s+autres\s+utilisateurs\b",
    ),
]
