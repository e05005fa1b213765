"""Speaker turns in transcripts: `Speaker: text` lines, who spoke each passage, and the speaker's role.

A speaker label is the start of a line: one to six words that begin with a letter and hold no
digit, then a colon and a space (or the end of the line), optionally in bold (`**Name:**`).
"Head of commissioning: We tested..." and "Interviewer:" are labels; "10:30", "[00:12:04]",
"https://..." and a label of seven words or more are not. Without `speakers.csv`, a label counts
when it starts two or more lines of the folder (or is "Interviewer"), so that a sentence such as
"The answer is simple: ..." is not taken for a speaker; with `speakers.csv` in the folder
(`speaker,role`, optional `document_id`), exactly the labels it lists count. A turn runs from
after its label to the next label line (continuation lines belong to it).

A speaker's role is, in order: its row of `speakers.csv`; "interviewer" for a label "Interviewer";
the document's `speaker_role` in `documents.csv` when the document has one speaker other than the
interviewer; else the label itself, as the transcript writes it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd

from ..core.errors import Collector
from ..core.sourced_csv import LINE, read_csv_lines

TURN_COLUMNS = ["document_id", "turn", "speaker", "role", "start", "end"]
INTERVIEWER = "interviewer"
MAX_WORDS = 6
_LABEL = re.compile(
    r"^[ \t]*(?:\*\*|__)?(?P<label>[^\n:]{1,80}?)[ \t]*(?:\*\*|__)?[ \t]*:(?:\*\*|__)?(?:[ \t]+|$)", re.M
)
_WORDS = re.compile(r"[^\W\d_]+(?:['\u2019.&/()-][^\W\d_]*)*")  # one mark at a time: no backtracking blow-up


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def labels(text: str) -> list[tuple[str, int, int]]:
    """Each speaker label of `text`: (label, start of its line, offset where the spoken words begin).

    >>> labels("Interviewer: Why?\\nHead of commissioning: Cost.\\n10:30 a break")
    [('Interviewer', 0, 13), ('Head of commissioning', 18, 41)]
    """
    found = []
    for match in _LABEL.finditer(text):
        label = " ".join(match.group("label").split())
        words = label.split()
        if len(words) <= MAX_WORDS and all(_WORDS.fullmatch(w) for w in words):
            found.append((label, match.start(), match.end()))
    return found


def speaker_turns(documents: pd.DataFrame, listed: dict[str, set[str]] | None = None) -> pd.DataFrame:
    """The turns of every document: TURN_COLUMNS (role still empty), offsets of the spoken words.

    `listed` maps a document id ("" for every document) to the label keys that count; None: the
    labels that start two or more lines of the folder, and "Interviewer", count.
    """
    every = {doc: labels(text) for doc, text in zip(documents["document_id"], documents["text"])}
    counts = Counter(_key(label) for found in every.values() for label, _, _ in found)
    rows = []
    for doc, text in zip(documents["document_id"], documents["text"]):
        found = every[doc]
        if listed is not None:
            allowed = listed.get(doc, set()) | listed.get("", set())
            found = [f for f in found if _key(f[0]) in allowed]
        else:
            found = [f for f in found if counts[_key(f[0])] >= 2 or _key(f[0]) == INTERVIEWER]
        for number, (label, _, begin) in enumerate(found, start=1):
            end = found[number][1] if number < len(found) else len(text)
            while end > begin and text[end - 1].isspace():
                end -= 1
            rows.append((doc, number, label, "", begin, max(end, begin)))
    return turn_frame(rows)


def turn_frame(rows: list[tuple]) -> pd.DataFrame:
    """Rows of TURN_COLUMNS as a frame with its dtypes, empty or not."""
    columns = list(zip(*rows)) if rows else [()] * len(TURN_COLUMNS)
    kinds = {"turn": "int64", "start": "int64", "end": "int64"}
    return pd.DataFrame({c: pd.Series(list(v), dtype=kinds.get(c, str)) for c, v in zip(TURN_COLUMNS, columns)})


def read_speakers_csv(path: Path | str, documents: pd.DataFrame) -> pd.DataFrame:
    """`speakers.csv`: speaker (the label as in the transcripts), role, optional document_id; validated."""
    path = Path(path)
    frame = read_csv_lines(path, ["speaker", "role"], ["document_id"])
    errors = Collector(path)
    texts = dict(zip(documents["document_id"], documents["text"]))
    keys = {doc: {_key(label) for label, _, _ in labels(text)} for doc, text in texts.items()}
    everywhere = set().union(*keys.values()) if keys else set()
    for row in frame.itertuples(index=False):
        line = row[0]  # LINE, the first column
        if row.document_id and row.document_id not in texts:
            errors.add(line, "document_id", "the id of a transcript in the folder, or empty for every transcript")
        elif not row.speaker.strip():
            errors.add(line, "speaker", "the speaker's label as the transcripts write it before the colon")
        elif _key(row.speaker) not in (keys[row.document_id] if row.document_id else everywhere):
            where = f"transcript '{row.document_id}'" if row.document_id else "any transcript"
            errors.add(line, "speaker", f"a label that starts a line of {where} ('{row.speaker}: ...')", row.speaker)
        if not row.role.strip():
            errors.add(line, "role", "the speaker's role (for example 'head of commissioning' or 'interviewer')")
    pairs = frame.assign(key=frame["speaker"].map(_key))
    for line, speaker in pairs.loc[pairs.duplicated(["document_id", "key"]), [LINE, "speaker"]].itertuples(index=False):
        errors.add(line, "speaker", "each speaker once per document_id", speaker)
    errors.raise_if_any()
    return frame.drop(columns=[LINE])


def with_roles(turns: pd.DataFrame, documents: pd.DataFrame, speakers: pd.DataFrame | None) -> pd.DataFrame:
    """Turns with each speaker's role (see the module's docstring for the order)."""
    given = {}
    if speakers is not None:
        given = {(d, _key(s)): r.strip() for d, s, r in speakers[["document_id", "speaker", "role"]].itertuples(False)}
    stated = dict(zip(documents["document_id"], documents.get("speaker_role", pd.Series("", index=documents.index))))
    roles = []
    for doc, speaker in zip(turns["document_id"], turns["speaker"]):
        role = given.get((doc, _key(speaker))) or given.get(("", _key(speaker)))
        if not role and _key(speaker) == INTERVIEWER:
            role = INTERVIEWER
        roles.append(role or "")
    out = turns.assign(role=pd.Series(roles, index=turns.index, dtype=str))
    others = (
        out[out["role"].str.casefold() != INTERVIEWER]
        .groupby("document_id")["speaker"]
        .agg(lambda s: {_key(x) for x in s})
    )
    fill = [
        (stated.get(doc) or "") if not role and len(others.get(doc, ())) == 1 else role
        for doc, role in zip(out["document_id"], out["role"])
    ]
    return out.assign(role=pd.Series([r or s for r, s in zip(fill, out["speaker"])], index=out.index, dtype=str))


def document_roles(documents: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Documents whose `speaker_role` is empty take the roles of their speakers other than the interviewer.

    Several roles are joined by "; " in the order they first speak.
    """
    spoken = turns[turns["role"].str.casefold() != INTERVIEWER]
    by_doc = spoken.groupby("document_id", sort=False)["role"].agg(lambda r: "; ".join(dict.fromkeys(r))).to_dict()
    current = documents["speaker_role"] if "speaker_role" in documents else pd.Series("", index=documents.index)
    return documents.assign(
        speaker_role=[c or by_doc.get(d, "") for d, c in zip(documents["document_id"], current.fillna(""))]
    )


def segment_speakers(segments: pd.DataFrame, turns: pd.DataFrame) -> pd.DataFrame:
    """Segments with `speaker` and `speaker_role`: the turns each overlaps, joined by "; " (empty: none)."""
    by_doc = {d: g for d, g in turns.groupby("document_id", sort=False)}
    speakers, roles = [], []
    for doc, start, end in segments[["document_id", "start", "end"]].itertuples(index=False):
        mine = by_doc.get(doc)
        hit = mine[(mine["start"] < end) & (mine["end"] > start)] if mine is not None else turns.iloc[:0]
        speakers.append("; ".join(dict.fromkeys(hit["speaker"])))
        roles.append("; ".join(dict.fromkeys(hit["role"])))
    index = segments.index
    return segments.assign(
        speaker=pd.Series(speakers, index=index, dtype=str), speaker_role=pd.Series(roles, index=index, dtype=str)
    )


def listed_labels(speakers: pd.DataFrame | None) -> dict[str, set[str]] | None:
    """The labels `speakers.csv` lists, per document id ("" for every document); None without the file."""
    if speakers is None:
        return None
    out: dict[str, set[str]] = {}
    for doc, speaker in speakers[["document_id", "speaker"]].itertuples(index=False):
        out.setdefault(doc, set()).add(_key(speaker))
    return out


def load_turns(folder: Path, documents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(documents with speaker roles filled in from their turns, the turns) for a transcripts folder."""
    path = Path(folder) / "speakers.csv"
    speakers = read_speakers_csv(path, documents) if path.is_file() else None
    turns = with_roles(speaker_turns(documents, listed_labels(speakers)), documents, speakers)
    return document_roles(documents, turns), turns


__all__ = [
    "INTERVIEWER",
    "TURN_COLUMNS",
    "document_roles",
    "labels",
    "load_turns",
    "read_speakers_csv",
    "segment_speakers",
    "speaker_turns",
    "turn_frame",
    "with_roles",
]
