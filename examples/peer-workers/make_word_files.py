"""Write the study's interviews as Word files, with the two researchers' coding as comments.

The researchers of the study coded the first interviews in Word, each marking passages with a
comment that names a code of the codebook. ``word-coding.csv`` lists those comments (interview,
coder, code, quoted passage); this script turns every ``interviews/*.txt`` into ``word/*.docx``
with qualcode's coded-transcript exporter, so the files are exactly what Word would hold.

The .docx files are committed; run this again only after changing a transcript or the coding:

    python examples/peer-workers/make_word_files.py
"""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import qualcode
from qualcode import Code, Coder, Coding, Document, DocumentKind, Project

STUDY = Path(__file__).resolve().parent
NAMESPACE = uuid.UUID("0b5e4ce2-5f0f-4c39-9d2b-8a8f1a2c7d10")
CODERS = {"I1": "Researcher One", "I2": "Researcher Two"}


def stable(*parts: str) -> str:
    """The same id for the same parts on every run, so the files do not change needlessly."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def coded_interview(path: Path, rows: list[dict[str, str]]) -> Project:
    """One interview with the comments of both coders as codings."""
    text = path.read_text(encoding="utf-8").rstrip("\n")
    project = Project(name=path.stem)
    document = project.add_document(
        Document(
            id=stable("document", path.stem), name=path.stem, text=text, kind=DocumentKind.INTERVIEW
        )
    )
    for label, name in CODERS.items():
        project.add_coder(Coder(id=stable("coder", label), name=name))
    for row in rows:
        start = text.find(row["quote"])
        if start < 0 or text.find(row["quote"], start + 1) >= 0:
            raise SystemExit(f"{path.name}: the quote must occur exactly once: {row['quote']!r}")
        code_id = stable("code", row["code"])
        if code_id not in project.codes:
            project.add_code(Code(id=code_id, name=row["code"]))
        project.add_coding(
            Coding(
                id=stable("coding", path.stem, row["coder"], row["code"], row["quote"]),
                document_id=document.id,
                code_id=code_id,
                start=start,
                end=start + len(row["quote"]),
                coder_id=stable("coder", row["coder"]),
            )
        )
    return project


def main() -> None:
    with (STUDY / "word-coding.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    output = STUDY / "word"
    output.mkdir(exist_ok=True)
    for path in sorted((STUDY / "interviews").glob("*.txt")):
        mine = [row for row in rows if row["interview"] == path.stem]
        qualcode.save(coded_interview(path, mine), output / f"{path.stem}.docx")
        print(f"{path.stem}.docx: {len(mine)} comments")


if __name__ == "__main__":
    main()
