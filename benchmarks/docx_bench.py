"""Benchmark: importing Word transcripts, against python-docx in the same run.

Generates transcripts of about 5,000 words each (speaker turns, a heading, a small table, about
20 codings as Word comments) with qualcode's own ``docx`` exporter, in two sets: as the exporter
writes them (one run of text per coded stretch), and "Word-like", with the text split into runs
of 3-15 words carrying revision ids, run properties and spelling marks, as Word writes a file that
was edited over several sessions. Then it times, on the same files:

- baseline: python-docx opening each file and joining the text of its paragraphs
  (``Document(path).paragraphs``) -- text only, nothing else;
- qualcode: the ``docx`` importer reading each file into a project (canonical text, paragraph
  styles, speaker turns, comments as codings, the original bytes kept).

It reports seconds per file and the speed-up for several numbers of files (default 100 and 500),
so that linearity shows: the time per file should stay flat as the number of files grows. Times
are CPU seconds, the best of ``--repeat`` runs.
python-docx is a benchmark-only dependency (the ``bench`` extra).

Run: ``python benchmarks/docx_bench.py [--sizes 100,500] [--words 5000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from qualcode.formats.docx.exporter import build_docx
from qualcode.formats.docx.importer import read_docx
from qualcode.model import Code, Coder, Coding, Document, DocumentKind, Paragraph, new_id
from qualcode.project import Project

VOCABULARY = str.split(
    "well I think that the clinic was quite far from where we lived so we had to take two buses "
    "and sometimes the waiting was really long but the nurses were kind and they explained "
    "everything to my mother who does not speak much English — “it was fine” she said… "
    "we also talked about money work family school housing and what happens next year"
)
SPEAKERS = ("Interviewer", "Participant")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CODES = (("Barriers", "Distance"), ("Barriers", "Waiting"), ("Support", "Staff"), ("Family",))


def make_transcript(number: int, words: int, generator: random.Random) -> Project:
    """A project with one transcript of about ``words`` words and about 20 codings."""
    lines = [f"Interview {number}", "Age\tPlace\tDate", "34\tNorth\t2025-03-01"]
    written = 0
    turn = 0
    while written < words:
        size = generator.randint(20, 120)
        lines.append(f"{SPEAKERS[turn % 2]}: " + " ".join(generator.choices(VOCABULARY, k=size)))
        written += size
        turn += 1
    text = "\n".join(lines)
    project = Project(name=f"T{number:04d}")
    document = project.add_document(
        Document(
            id=new_id(),
            name=f"T{number:04d}",
            text=text,
            kind=DocumentKind.INTERVIEW,
            paragraphs=[Paragraph(0, len(lines[0]), "heading 1", 1)],
        )
    )
    coders = [project.add_coder(Coder(id=new_id(), name=n)) for n in ("Ana", "Ben")]
    code_ids = []
    for path in CODES:
        parent = None
        for name in path:
            found = project.code_by_path([*project.code_path(parent), name] if parent else [name])
            if found is None:
                found = project.add_code(Code(id=new_id(), name=name, parent_id=parent))
            parent = found.id
        code_ids.append(parent)
    codings = []
    for _ in range(20):
        start = generator.randrange(0, len(text) - 400)
        end = start + generator.randint(20, 400)
        codings.append(
            Coding(
                id=new_id(),
                document_id=document.id,
                code_id=generator.choice(code_ids),
                start=start,
                end=end,
                coder_id=generator.choice(coders).id,
            )
        )
    project.add_codings(codings)
    return project


def generate(
    folder: Path, count: int, words: int, word_like: bool = False, seed: int = 11
) -> list[Path]:
    """``count`` transcripts written by the exporter (``word_like``: runs split as Word does)."""
    generator = random.Random(seed)
    paths = []
    for number in range(count):
        project = make_transcript(number, words, generator)
        document = next(iter(project.documents))
        data = build_docx(project, document, list(project.codings))
        if word_like:
            data = split_runs_like_word(data, generator)
        path = folder / f"T{number:04d}.docx"
        path.write_bytes(data)
        paths.append(path)
    return paths


def split_runs_like_word(data: bytes, generator: random.Random) -> bytes:
    """The same document with its text in runs of 3-15 words, each with revision ids and run
    properties, and spelling marks around some words, as Word writes a file that was edited
    over several sessions. The text and the comment anchors do not change."""
    source = zipfile.ZipFile(io.BytesIO(data))
    body = etree.fromstring(source.read("word/document.xml"))
    rsids = [f"00{generator.randrange(16**6):06X}" for _ in range(12)]
    for run in list(body.iter(f"{{{W}}}r")):
        texts = run.findall(f"{{{W}}}t")
        if len(texts) != 1 or len(run) != len(texts):
            continue
        words = (texts[0].text or "").split(" ")
        parent = run.getparent()
        assert parent is not None
        index = parent.index(run)
        parent.remove(run)
        while words:
            size = generator.randint(3, 15)
            chunk, words = words[:size], words[size:]
            text = " ".join(chunk) + (" " if words else "")
            if generator.random() < 0.15:
                etree.SubElement(parent, f"{{{W}}}proofErr").set(f"{{{W}}}type", "spellStart")
                parent.insert(index, parent[-1])
                index += 1
            piece = etree.Element(f"{{{W}}}r")
            piece.set(f"{{{W}}}rsidR", generator.choice(rsids))
            piece.set(f"{{{W}}}rsidRPr", generator.choice(rsids))
            properties = etree.SubElement(piece, f"{{{W}}}rPr")
            etree.SubElement(properties, f"{{{W}}}rFonts").set(f"{{{W}}}ascii", "Calibri")
            etree.SubElement(properties, f"{{{W}}}lang").set(f"{{{W}}}val", "en-GB")
            element = etree.SubElement(piece, f"{{{W}}}t")
            element.text = text
            element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            parent.insert(index, piece)
            index += 1
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "word/document.xml":
                content = etree.tostring(body, xml_declaration=True, encoding="UTF-8")
            archive.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
    return output.getvalue()


def with_python_docx(paths: list[Path]) -> int:
    import docx  # python-docx, the baseline

    characters = 0
    for path in paths:
        characters += len("\n".join(p.text for p in docx.Document(str(path)).paragraphs))
    return characters


def with_qualcode(paths: list[Path]) -> int:
    characters = 0
    for path in paths:
        project = read_docx(path).project
        characters += sum(len(d.text) for d in project.documents)
    return characters


def timed(function: Callable[[list[Path]], int], paths: list[Path], repeat: int) -> float:
    """Best CPU seconds of ``repeat`` runs (the work is single-threaded and CPU-bound; CPU time
    is steadier than wall time on a shared machine)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.process_time()
        function(paths)
        best = min(best, time.process_time() - started)
    return best


def run(folder: Path, sizes: list[int], words: int, repeat: int, word_like: bool) -> None:
    started = time.perf_counter()
    paths = generate(folder, sizes[-1], words, word_like=word_like)
    generated = time.perf_counter() - started
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    kind = "Word-like runs" if word_like else "as the exporter writes them"
    print(
        f"\n{len(paths)} transcripts of ~{words} words, {kind} ({megabytes:.1f} MB), "
        f"generated in {generated:.2f} s"
    )
    # both readers agree on the text, so they do comparable work
    assert with_python_docx(paths[:3]) == with_qualcode(paths[:3])
    print(f"{'files':>6} {'python-docx s':>14} {'qualcode s':>11} {'ms/file':>8} {'speed-up':>9}")
    for size in sizes:
        subset = paths[:size]
        baseline = timed(with_python_docx, subset, repeat)
        ours = timed(with_qualcode, subset, repeat)
        print(
            f"{size:>6} {baseline:>14.2f} {ours:>11.2f} {ours / size * 1000:>8.2f} "
            f"{baseline / ours:>8.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="100,500", help="numbers of files, comma-separated")
    parser.add_argument("--words", type=int, default=5000, help="words per transcript")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument(
        "--real", type=Path, help="also time copies of this real .docx (e.g. one saved by Word)"
    )
    arguments = parser.parse_args()
    sizes = sorted(int(s) for s in arguments.sizes.split(","))
    for word_like in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            run(Path(folder), sizes, arguments.words, arguments.repeat, word_like)
    if arguments.real:
        with tempfile.TemporaryDirectory() as folder:
            data = arguments.real.read_bytes()
            paths = []
            for number in range(sizes[-1]):
                path = Path(folder) / f"copy{number:04d}.docx"
                path.write_bytes(data)
                paths.append(path)
            print(f"\n{len(paths)} copies of {arguments.real.name} ({len(data) / 1000:.0f} kB)")
            baseline = timed(with_python_docx, paths, arguments.repeat)
            ours = timed(with_qualcode, paths, arguments.repeat)
            print(
                f"python-docx {baseline:.2f} s, qualcode {ours:.2f} s "
                f"({ours / len(paths) * 1000:.2f} ms/file), speed-up {baseline / ours:.2f}x"
            )


if __name__ == "__main__":
    main()
