"""Exchange with QDA tools (NVivo, ATLAS.ti, MAXQDA, QualCoder) through REFI-QDA (QDA-XML 1.0).

Export strictly, import leniently. Each module has one job:

- `parse`: safe XML (no DTD, no entities, line numbers); `archive`: a `.qdpx` read against a
  budget, text sources decoded with care; `schema`: GUIDs, dates, validation, atomic writes.
- `codes`: a codebook as `<Codes>` and back; `codebook_files`: `.qdc`, CSV and any codebook file.
- `write`: a coded corpus as a `.qdpx` project; `package`: the blind coding package.
- `read`: a project from any tool (`read_qdpx`), with `ids` (duplicates refused) and `offsets`
  (stored text checked, UTF-16 offsets converted); `coder`: a coder's export as one more coder.

GUIDs are uuid5 of the ids and dates come from the codebook, so the same input gives
byte-identical files. A coder's "read, applied no code" has no place in QDA-XML: on import a
coder counts as having read the documents their export holds (`coder.read_project_coding`).
"""

from .codebook_files import (
    codebook_qdc,
    load_any_codebook,
    read_codebook,
    read_codebook_csv,
    write_codebook_csv,
    write_qdc,
)
from .coder import ProjectCoding, check_coder_files, load_project_coding, read_project_coding
from .package import write_coding_package
from .read import QdaProject, read_qdpx
from .schema import NS_CODEBOOK, NS_PROJECT, SCHEMAS, guid, schema_errors
from .write import project_qde, write_qdpx

__all__ = [
    "NS_CODEBOOK",
    "NS_PROJECT",
    "SCHEMAS",
    "ProjectCoding",
    "QdaProject",
    "check_coder_files",
    "codebook_qdc",
    "guid",
    "load_any_codebook",
    "load_project_coding",
    "project_qde",
    "read_codebook",
    "read_codebook_csv",
    "read_project_coding",
    "read_qdpx",
    "schema_errors",
    "write_codebook_csv",
    "write_coding_package",
    "write_qdc",
    "write_qdpx",
]
