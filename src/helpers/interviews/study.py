"""What the interview-coding notebook analyses, loaded and checked in one place.

Either the Local Partnerships corpus folder (excerpts, codebook, the report's lists and coders'
files, each excerpt one document) or a REFI-QDA project (`qdpx`: its sources, codebook and
coders). Each coder comes with a description of how the coding was made (`coders.yaml` beside
the codings, or what the project file says), written out as `coders.csv`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core import parameters
from ..core.errors import Collector, ParameterError
from ..core.parameters import resolve
from ..core.paths import shown
from ..core.sourced_yaml import load_yaml
from .adjudication import CONSENSUS
from .codebook import (
    Codebook,
    check_example_quotes,
    check_list_links,
    codebook_parameter,
    load_report_lists,
)
from .coders import REPORT, RULES, check_coders, collect_codings, human_coders
from .corpus import load_excerpts, with_speakers
from .documents import (
    ADD_A_SECOND_CODER,
    codings_to_segments,
    excerpt_documents,
    segments_to_codings,
)
from .folder import load_corpus_folder
from .profile import undescribed_coder
from .refi.codebook_files import load_any_codebook
from .refi.coder import load_project_coding
from .refi.read import read_qdpx

UNITS = ["excerpt", "character"]
FLAGS = ["human", "independent", "authored_codebook", "derived"]
CODER_FIELDS = ["label", "made_by", *FLAGS, "codebook_version", "description"]
CODER_COLUMNS = ["coder", *CODER_FIELDS]
TRUTH = {True: "true", False: "false", "unknown": "unknown"}
# Independent, as inter-coder reliability uses the word: coded without seeing or conferring about
# the other codings, using the agreed codebook. authored_codebook: wrote the codebook or its rules.
# derived: built from other codings or from the codebook's rules (the rule coder, a consensus).
INDEPENDENT = "coded without seeing or conferring about the other codings, using the agreed codebook"
# The rule coder where no coders.yaml describes it: a machine applying the codebook's own rules.
RULES_DESCRIPTION = {
    "label": "Keyword rule coder",
    "made_by": "the codebook's keywords and patterns, applied by the workbench's rule coder",
    "human": False,
    "independent": False,
    "authored_codebook": False,
    "derived": True,
    "codebook_version": None,
    "description": "A machine coding, deterministic: a code is applied where one of its rules matches.",
}
CONSENSUS_DESCRIPTION = {
    "label": "Consensus of two coders",
    "made_by": "an adjudicator's decisions on where two codings differ",
    "human": "unknown",
    "independent": False,
    "authored_codebook": "unknown",
    "derived": True,
    "codebook_version": None,
    "description": "Built from two codings and an adjudication file: reported for frequencies and quotes, never "
    "for agreement with the codings it was built from.",
}


@dataclass
class Study:
    """The corpus as excerpts (one row per document), the codebook, every coder's codings and segments."""

    excerpts: pd.DataFrame
    book: Codebook
    coders: list[str]
    codings: pd.DataFrame
    segments: pd.DataFrame
    described: pd.DataFrame
    lists: pd.DataFrame | None
    source: str

    @property
    def documents(self) -> pd.DataFrame:
        return excerpt_documents(self.excerpts)


def qdpx_parameter(name: str, value) -> Path | None:
    """A notebook's `qdpx` parameter: None, or an existing .qdpx/.qde file."""
    if value is None:
        return None
    path = resolve(value) if isinstance(value, (str, Path)) and str(value).strip() else None
    if path is None or not path.is_file() or path.suffix.lower() not in (".qdpx", ".qde"):
        raise ParameterError(name, value, "None or an existing REFI-QDA project file (.qdpx or .qde)")
    return path


def load_coder_descriptions(path: Path | str, fields: Sequence[str] = tuple(CODER_FIELDS)) -> dict[str, dict]:
    """`coders.yaml`: for each coder `fields`; flags true, false or unknown, the version a string or null.

    The document analysis reads its own coders' file through this too, with its own fields.
    """
    path = Path(path)
    if not path.is_file():
        return {}
    data = load_yaml(path)
    coders = data.get("coders")
    errors = Collector(path)
    if not isinstance(coders, dict):
        errors.add(data.line_of("coders"), "coders", "a mapping of coder name to description", type(coders).__name__)
        errors.raise_if_any()
    out = {}
    for name, entry in coders.items():
        line = coders.line_of(name)
        if not isinstance(entry, dict) or set(entry) != set(fields):
            errors.add(line, name, "the fields " + ", ".join(fields), entry)
            continue
        for key in FLAGS:
            if entry[key] not in TRUTH:
                errors.add(entry.line_of(key), key, "true, false or unknown", entry[key])
        if (
            "codebook_version" in fields
            and entry["codebook_version"] is not None
            and not isinstance(entry["codebook_version"], str)
        ):
            errors.add(entry.line_of("codebook_version"), "codebook_version", "a quoted version, or null", entry)
        out[name] = dict(entry)
    errors.raise_if_any()
    return out


def _unknown(coder: str, where) -> dict:
    """What can be said of a coder nobody described: its name and the kind of file it came from, every flag unknown."""
    return {
        **undescribed_coder(coder, where or "a REFI-QDA project (.qdpx)"),
        **{flag: "unknown" for flag in FLAGS},
        "codebook_version": "unknown",
    }


def describe_coders(
    coders: list[str], known: dict[str, dict], project: str | dict | None = None, version: str | None = None
) -> pd.DataFrame:
    """One row per coder: CODER_COLUMNS; a coder from a project file is described by what the file says.

    `project` names the project file all coders come from, or maps coders to their own files;
    `version` is the codebook's, recorded for the rule coder (it always runs the codebook loaded).
    """
    rows = []
    for coder in coders:
        default = {RULES: RULES_DESCRIPTION, CONSENSUS: CONSENSUS_DESCRIPTION}.get(coder)
        where = project.get(coder) if isinstance(project, dict) else project
        entry = dict(known.get(coder) or default or _unknown(coder, where))
        if coder == RULES:
            entry["codebook_version"] = version
        made_under = entry["codebook_version"]
        rows.append(
            {
                "coder": coder,
                **{k: entry[k] for k in ("label", "made_by", "description")},
                **{flag: TRUTH[entry[flag]] for flag in FLAGS},
                "codebook_version": "" if made_under is None else str(made_under),
            }
        )
    return pd.DataFrame(rows, columns=CODER_COLUMNS)


def versions_compared(described: pd.DataFrame, version: str | None) -> tuple[list[str], str]:
    """The coders whose codings follow the codebook's version, and a sentence saying which version agreement uses.

    A coder recorded under another version is left out of agreement: the change log gives no
    mapping of codes between versions that agreement could go through. An empty version is a
    source not made under the codebook (the report's placement); "unknown" is taken as it is.
    """
    if not version:
        recorded = described[~described["codebook_version"].isin(["", "unknown"])]
        listed = ", ".join(f"{c} {v}" for c, v in zip(recorded["coder"], recorded["codebook_version"]))
        sentence = "The codebook names no version, so the versions the codings record cannot be checked against it"
        return list(described["coder"]), sentence + (f" ({listed})." if listed else ".")
    other = described[~described["codebook_version"].isin(["", "unknown", version])]
    kept = [c for c in described["coder"] if c not in set(other["coder"])]
    sentence = f"Agreement is computed on one codebook version: version {version}."
    if len(other):
        left = ", ".join(f"{c} (version {v})" for c, v in zip(other["coder"], other["codebook_version"]))
        sentence += f" Left out, made under another version with no mapping between the versions: {left}."
    unknown = described[described["codebook_version"] == "unknown"]["coder"].tolist()
    if unknown:
        sentence += f" The version of {', '.join(unknown)} is not recorded."
    return kept, sentence


def coder_proposals(study: Study, corpus_dir) -> pd.DataFrame:
    """New codes the coders' REFI-QDA exports propose: kept for the codebook's next version, never counted."""
    from .refi.coder import PROPOSAL_COLUMNS, read_project_coding

    frames = []
    for coder in study.coders:
        path = Path(corpus_dir) / "codings" / f"{coder}.qdpx"
        if path.is_file():
            proposed = read_project_coding(path, study.book, study.excerpts).proposals
            frames.append(proposed.assign(coder=coder))
    columns = ["coder", *PROPOSAL_COLUMNS]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def load_study(corpus_dir, codebook, coders, qdpx=None, unit: str = "excerpt") -> Study:
    """Check the notebook's parameters and load what it analyses (see the module's docstring)."""
    parameters.choice("unit", unit, UNITS)
    project_path = qdpx_parameter("qdpx", qdpx)
    corpus_path = parameters.existing_dir("corpus_dir", corpus_dir)
    known = load_coder_descriptions(corpus_path / "codings" / "coders.yaml")
    if project_path is not None:
        project = read_qdpx(project_path)
        coded = set(project.segments["coder"])
        names = [u for u in dict.fromkeys(project.users.values()) if u in coded]
        names += [c for c in dict.fromkeys(project.segments["coder"]) if c not in names]
        if len(names) < 2:
            raise ParameterError("qdpx", shown(project_path), "a project with codings by two or more coders")
        excerpts = project.sources.copy()
        codings = segments_to_codings(project.segments, project.documents, names)
        described = describe_coders(names, {}, project_path.name, getattr(project.codebook, "version", None))
        return Study(excerpts, project.codebook, names, codings, project.segments, described, None, project_path.name)
    if not (corpus_path / "excerpts.csv").is_file():
        return _folder_study(corpus_path, codebook, coders, known)
    excerpts = load_excerpts(corpus_path)
    book = load_any_codebook(codebook_parameter("codebook", codebook), excerpts["excerpt_id"])
    lists = load_report_lists(corpus_path / "report_lists.csv")
    check_list_links(book, lists)
    check_example_quotes(book, excerpts)
    names = check_coders("coders", coders, [REPORT, RULES, *human_coders(corpus_path / "codings")])
    codings = collect_codings(names, excerpts, book, corpus_path / "codings")
    excerpts = with_speakers(corpus_path, excerpts)
    segments = codings_to_segments(codings, excerpt_documents(excerpts))
    projects = {c: corpus_path / "codings" / f"{c}.qdpx" for c in names if c not in (REPORT, RULES)}
    projects = {c: p for c, p in projects.items() if p.is_file()}
    if projects:  # a coder who worked in a QDA tool: their own segments, not whole excerpts
        own = [load_project_coding(p, book, excerpts).assign(coder=c) for c, p in projects.items()]
        segments = pd.concat([segments[~segments["coder"].isin(projects)], *own], ignore_index=True)
    where = {c: f"codings/{p.name}" for c, p in projects.items()}
    described = describe_coders(names, known, where, getattr(book, "version", None))
    return Study(excerpts, book, names, codings, segments, described, lists, corpus_path.name)


def _folder_study(corpus_path: Path, codebook, coders, known: dict) -> Study:
    """A researcher's folder of transcripts with `segments.csv`: its coders, and the rule coder if asked for."""
    book = load_any_codebook(codebook_parameter("codebook", codebook))
    corpus = load_corpus_folder(corpus_path, book)
    names = check_coders("coders", coders, [RULES, *corpus.coders()], ADD_A_SECOND_CODER)
    documents = corpus.documents.copy()
    for column in ("speaker_role", "authority_type"):
        if column not in documents:
            documents[column] = ""
    excerpts = documents.rename(columns={"document_id": "excerpt_id"})
    segments = corpus.segments[corpus.segments["coder"].isin(names)]
    if RULES in names:
        rules = collect_codings([RULES], excerpts, book, corpus_path)
        segments = pd.concat([segments, codings_to_segments(rules, documents)], ignore_index=True)
    codings = segments_to_codings(segments, documents, names)
    known = known or load_coder_descriptions(corpus_path / "coders.yaml")
    origins = {coder: f"{corpus_path.name}/{origin}" for coder, origin in corpus.origins.items()}
    described = describe_coders(names, known, origins, getattr(book, "version", None))
    return Study(excerpts, book, names, codings, segments, described, None, corpus_path.name)


__all__ = [
    "coder_proposals",
    "CODER_COLUMNS",
    "INDEPENDENT",
    "UNITS",
    "Study",
    "describe_coders",
    "load_coder_descriptions",
    "load_study",
    "versions_compared",
]
