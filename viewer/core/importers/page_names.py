"""Personal names as NCJRS pages print them: "J S Wall; J D Hawkins", "Elzbieta M. Gozdziak Ph.D. ;
Micah N. Bump M.A.", "Ozgur Nikbay, Suleyman Hancerli" (Given Family, comma-separated)."""

from __future__ import annotations

import re

from viewer.core.importers.page_model import Name

# Degrees and honours after a name: dropped (a citation never carries them).
_DEGREES = frozenset(
    d.replace(".", "").lower()
    for d in (
        "Ph.D.", "M.A.", "B.A.", "B.S.", "M.S.", "J.D.", "M.D.", "Ed.D.", "M.Ed.", "M.S.W.", "M.P.H.",
        "M.B.A.", "M.P.A.", "LL.B.", "LL.M.", "Psy.D.", "D.P.A.", "D.Crim.", "R.N.", "L.C.S.W.",
        "Esq.", "D.Phil.", "Sc.D.", "M.Sc.", "B.Sc.", "CPA", "CFE", "CPP",
    )
)
_SUFFIXES = {"jr": "Jr.", "sr": "Sr.", "ii": "II", "iii": "III", "iv": "IV"}
_PREFIXES = frozenset({"dr", "prof", "mr", "mrs", "ms", "rev", "hon"})
# Lowercase words that belong before the family name ("van Dijk", "de la Cruz").
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "le", "la",
                        "des", "dos", "das", "ten", "ter", "zu", "al", "el", "st."})
# Catalan/Spanish conjunctions that join two family names ("Gimenez-Salinas i Colomer").
_CONJUNCTIONS = frozenset({"i", "y"})
_NAME_TOKEN = re.compile(r"[^\W\d_][\w'’.\-]{0,40}")
_MAX_NAMES = 200


def parse_names(raw: str) -> tuple[Name, ...]:
    """Every person in an Author(s)/Editor(s) value, in page order."""
    names = [_one_name(part) for part in split_names(raw)]
    return tuple(n for n in names if n is not None)[:_MAX_NAMES]


def split_names(raw: str) -> list[str]:
    """';' separates names; so does ',' unless it sets off a suffix or a degree, or the chunk is
    one name written family first ("Smith, John", "van Dijk, J")."""
    parts: list[str] = []
    for chunk in raw.split(";"):
        pieces = [p.strip() for p in chunk.split(",") if p.strip()]
        if len(pieces) == 2 and _family_only(pieces[0]) and not _is_trailer(pieces[1]):
            parts.append(f"{pieces[1]} {pieces[0]}")
            continue
        for index, piece in enumerate(pieces):
            if parts and index > 0 and _is_trailer(piece):
                parts[-1] = f"{parts[-1]} {piece}"
            else:
                parts.append(piece)
    return parts


def _family_only(piece: str) -> bool:
    tokens = piece.split()
    return bool(tokens) and not _is_trailer(tokens[-1]) and all(t in _PARTICLES for t in tokens[:-1])


def looks_like_names(line: str) -> bool:
    """True for a line that can only be a list of names ("B L Beck"), used where a label is missing."""
    if not line or len(line) > 400 or any(c.isdigit() for c in line):
        return False
    parts = split_names(line)
    if not parts or len(parts) > 50:
        return False
    for part in parts:
        tokens = part.split()
        if not 1 <= len(tokens) <= 6:
            return False
        for token in tokens:
            if token.lower() in _PARTICLES or token in _CONJUNCTIONS or _is_trailer(token):
                continue
            if not (token[0].isupper() and _NAME_TOKEN.fullmatch(token)):
                return False
    return any(len(p.split()) >= 2 for p in parts)


def _is_trailer(token: str) -> bool:
    key = token.replace(".", "").replace(" ", "").lower()
    return key in _DEGREES or key in _SUFFIXES or key in {"phd", "ma", "ba", "bs", "ms", "jd", "md"}


def _one_name(part: str) -> Name | None:
    tokens = part.split()
    suffix = ""
    # Degrees and suffixes come last; keep at least two tokens (a family name "Ma" is not "M.A.").
    while len(tokens) > 2 or (len(tokens) == 2 and "." in tokens[-1] and len(tokens[-1]) > 2):
        key = tokens[-1].replace(".", "").rstrip(",").lower()
        if key in _SUFFIXES and not suffix:
            suffix = _SUFFIXES[key]
        elif not (key in _DEGREES or (tokens[-1].isupper() and key in {"phd", "ma", "ms", "ba", "bs", "jd"}
                                      and not part.isupper())):
            break
        tokens.pop()
    while len(tokens) > 1 and tokens[0].replace(".", "").lower() in _PREFIXES:
        tokens.pop(0)
    tokens = [t.rstrip(",") for t in tokens if t.rstrip(",")]
    if not tokens:
        return None
    if len(tokens) == 1:
        return Name(family=tokens[0], suffix=suffix)
    start = len(tokens) - 1
    joiner = tokens[start - 1] if start >= 3 else ""
    if joiner in _CONJUNCTIONS or (joiner.lower() in _CONJUNCTIONS and part.isupper()
                                   and len(tokens[start - 2]) > 2):
        start -= 2  # "Gimenez-Salinas i Colomer": both family names and their "i"
    particle_start = start
    while particle_start > 1 and tokens[particle_start - 1] in _PARTICLES:
        particle_start -= 1
    return Name(
        family=" ".join(tokens[start:]),
        given=" ".join(tokens[:particle_start]),
        particle=" ".join(tokens[particle_start:start]),
        suffix=suffix,
    )
