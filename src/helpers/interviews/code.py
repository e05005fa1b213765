"""One code of a codebook, as every reader of codebooks (YAML, CSV, REFI-QDA) builds it."""

from __future__ import annotations

from dataclasses import dataclass, field

CODE_FIELDS = [
    "id",
    "name",
    "parent",
    "section",
    "from_list",
    "codable",
    "colour",
    "definition",
    "use_when",
    "dont_use_when",
    "example",
    "example_quote",
    "near_miss",
    "memo",
    "sets",
    "rules",
]
TEXT_FIELDS = ["definition", "use_when", "dont_use_when", "example_quote", "near_miss", "memo"]


@dataclass(frozen=True)
class Code:
    """One code of the codebook; `line` is where it starts in its file (None if not from a file)."""

    id: str
    name: str
    parent: str | None = None
    definition: str = ""
    use_when: str = ""
    dont_use_when: str = ""
    example: str | None = None
    colour: str | None = None
    codable: bool = True
    section: int | None = None
    from_list: str | None = None
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    example_quote: str = ""
    near_miss: str = ""
    memo: str = ""
    sets: tuple[str, ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def has_rules(self) -> bool:
        return bool(self.keywords or self.patterns)


def normalise_text(value) -> str:
    """Definitions and the like as one line: runs of white space become one space."""
    return " ".join(str(value).split()) if value is not None else ""
