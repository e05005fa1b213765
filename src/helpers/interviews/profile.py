"""What a corpus says about itself: its title and introduction, and which of the report's sections apply.

The title is the first `# ` heading of the corpus folder's `README.md` and the introduction the
first paragraph after it, as plain text (Markdown emphasis, code marks and links reduced to their
words). Without a README the title is the folder's name and the introduction says so. A REFI-QDA
project is described by its file's name.

Two sections of the interview-coding report belong to the Local Partnerships layout only: the
report's lists (its risks), which need `report_lists.csv`, and the report's placement of its quotes,
which needs `excerpts.csv` with sections (the `report` coder). Other corpora get neither.

Run as `python -m helpers.interviews.profile <folder> [<codebook>]` it checks a transcripts folder
and prints what the report will read from it, or the one error that stops it.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import Collector, DataError
from ..core.parameters import resolve
from ..core.paths import shown
from ..core.text import read_utf8

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKS = re.compile(r"(\*\*|__|\*|`)")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Profile:
    """A corpus's title and introduction, where they come from, and the layout-specific sections it has."""

    title: str
    intro: str
    described_by: str  # the file the title and intro come from, or "" when none does
    report_lists: bool  # the report's own lists (risks): the Local Partnerships layout
    report_placement: bool  # the report's placement of excerpts under its sections


def plain(text: str) -> str:
    """Markdown reduced to its words: links to their text, emphasis and code marks dropped, one line.

    >>> plain("See *the report* and [its data](http://x), in `data/`.")
    'See the report and its data, in data/.'
    """
    return " ".join(_MARKS.sub("", _LINK.sub(r"\1", text)).split())


def readme_title(path: Path) -> tuple[str, str]:
    """(first `# ` heading, first paragraph after it) of a README, as plain text; ("", "") if none."""
    lines = read_utf8(path, Collector(path), encoding="utf-8-sig").splitlines()
    for i, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading:
            paragraph: list[str] = []
            for rest in lines[i + 1 :]:
                if not rest.strip():
                    if paragraph:
                        break
                    continue
                if rest.lstrip().startswith(("#", "|", "```", "<")):
                    if paragraph:
                        break
                    continue
                paragraph.append(rest)
            return plain(heading.group(1)), plain(" ".join(paragraph))
    return "", ""


def corpus_profile(corpus_dir: Path | str, qdpx: Path | str | None = None) -> Profile:
    """The profile of the corpus a notebook analyses: a REFI-QDA project when `qdpx` is set, else the folder.

    A relative `corpus_dir` counts from the project root, as the notebooks' parameters do.
    """
    if qdpx is not None:
        name = Path(qdpx).name
        intro = f"A REFI-QDA project exported from a QDA tool ({name}): its sources, codebook and coders."
        return Profile(name, intro, "", False, False)
    folder = resolve(corpus_dir)
    readme = next((p for p in sorted(folder.glob("*")) if p.is_file() and p.name.lower() == "readme.md"), None)
    title, intro = readme_title(readme) if readme is not None else ("", "")
    if not title:
        title = folder.name
        intro = f"The folder {folder.name} has no README.md with a '# ' title and a first paragraph to describe it."
    lists = (folder / "report_lists.csv").is_file()
    placement = (folder / "excerpts.csv").is_file() and (folder / "sections.csv").is_file()
    return Profile(title, intro, readme.name if readme is not None and title != folder.name else "", lists, placement)


UNKNOWN_MAKER = (
    "the file does not say who or what made the coding, whether a person made it, or whether it was made "
    "independently (without seeing or conferring about other codings): say so in codings/coders.yaml"
)


def undescribed_coder(coder: str, origin: str) -> dict:
    """How a coder that `coders.yaml` does not describe is described: by the kind of file its coding came from.

    >>> undescribed_coder("cy", "my_study/segments.csv")["description"][:48]
    'Read from my_study/segments.csv (character offse'
    """
    if origin.lower().endswith((".qdpx", ".qde")):
        how = (
            f"Imported from a REFI-QDA project ({origin}); the file names the user but does not say whether the "
            "coding was made by a person, independently (without seeing or conferring about other codings), or "
            "under which codebook version."
        )
    elif Path(origin).name == "segments.csv":
        how = f"Read from {origin} (character offsets); {UNKNOWN_MAKER}."
    else:
        how = f"Read from {origin} (quotes or whole documents); {UNKNOWN_MAKER}."
    return {
        "label": coder,
        "made_by": f"coder '{coder}' as named in {origin}",
        "human": "unknown",
        "independent": "unknown",
        "description": how,
    }


def summary(folder: Path | str, codebook: Path | str | None = None) -> str:
    """What the interview-coding report will read from a transcripts folder, one fact a line."""
    from .codebook import load_codebook
    from .documents import ADD_A_SECOND_CODER
    from .folder import load_corpus_folder

    book = load_codebook(codebook) if codebook is not None else None
    corpus = load_corpus_folder(folder, book)
    profile = corpus_profile(folder)
    docs = corpus.documents
    lines = [
        f"title: {profile.title}" + (f" (from {profile.described_by})" if profile.described_by else ""),
        f"transcripts: {len(docs)} ({', '.join(docs['document_id'])})",
        f"speaker turns: {len(corpus.turns)}",
    ]
    for doc, role in zip(docs["document_id"], docs.get("speaker_role", [""] * len(docs))):
        lines.append(f"  {doc}: speaker role {role or 'not stated'}")
    for coder, origin in corpus.origins.items():
        mine = corpus.segments[corpus.segments["coder"] == coder]
        lines.append(f"coder {coder}: {len(mine)} segments from {origin}")
    if len(corpus.origins) < 2:
        lines.append(f"{len(corpus.origins)} coder's file (the rule coder 'rules' is one more){ADD_A_SECOND_CODER}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2:
        print("usage: python -m helpers.interviews.profile <transcripts folder> [<codebook.yaml>]", file=sys.stderr)
        return 2
    if not Path(args[0]).is_dir():
        print(f"{args[0]}: expected a folder of transcripts", file=sys.stderr)
        return 1
    try:
        print(summary(*args))
    except DataError as exc:
        print(f"{shown(args[0])}: the folder does not load:\n{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = ["Profile", "corpus_profile", "plain", "readme_title", "summary", "undescribed_coder"]
