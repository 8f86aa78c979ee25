"""The class roster (`grade --roster roster.csv`) and the names learning platforms give submissions.

A roster is a CSV file with a header row: ``student_id`` (required), ``name``, ``email`` and
``platform_id`` (the learning platform's own id of the student: Canvas's user id, Moodle's
participant id). Canvas's "Download Submissions" zip names each file
``<namekey>[_LATE]_<user id>_<attachment id>_<file name>``; Moodle's "Download all submissions"
names a folder (or, without folders, a file prefix) ``<Full Name>_<participant id>_assignsubmission_file_``.
Those names are recognised, and their platform id maps the file to a roster student.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MAX_ROSTER_BYTES = 16 * 2**20
COLUMNS = ("student_id", "name", "email", "platform_id")
CANVAS_FILE = re.compile(r"^(?P<key>[A-Za-z0-9]+)(?:_LATE)?_(?P<id>\d+)_(?P<attachment>\d+)_(?P<rest>.+)$")
MOODLE_PREFIX = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?:file|onlinetext)(?:_(?P<rest>.*))?$")


@dataclass(frozen=True)
class Student:
    """One roster line."""

    student_id: str
    name: str = ""
    email: str = ""
    platform_id: str = ""


@dataclass(frozen=True)
class Roster:
    """The class: students in roster order, found by their id or their platform's id."""

    students: tuple[Student, ...]

    def by_platform_id(self, platform_id: str) -> Student | None:
        return next((s for s in self.students if s.platform_id and s.platform_id == platform_id), None)

    def by_student_id(self, student_id: str) -> Student | None:
        return next((s for s in self.students if s.student_id == student_id), None)


def _csv_rows(path: Path, what: str) -> csv.DictReader:
    """A reader over a bounded UTF-8 CSV file, its header names stripped; refused with ``what`` was expected."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist; expected {what}")
    raw = path.read_bytes()
    if len(raw) > MAX_ROSTER_BYTES:
        raise ValueError(f"{path} is {len(raw)} bytes; expected {what} of at most {MAX_ROSTER_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text (byte {error.start}); expected {what}, saved as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    reader.fieldnames = [h.strip() for h in (reader.fieldnames or [])]
    return reader


def read_roster(path: Path) -> Roster:
    """Parse ``path``; a malformed roster is refused with the line and what was expected."""
    reader = _csv_rows(path, f"a roster CSV with the header {','.join(COLUMNS)}")
    header = reader.fieldnames
    if "student_id" not in header:
        raise ValueError(f"roster {path}: expected a header row with the columns {','.join(COLUMNS)} "
                         f"(student_id required); got {','.join(header) or 'an empty file'}")
    students, ids, platform_ids = [], set(), set()
    for line, row in enumerate(reader, start=2):
        values = {key: (row.get(key) or "").strip() for key in COLUMNS}
        if not values["student_id"]:
            raise ValueError(f"roster {path}, line {line}: student_id is empty")
        if values["student_id"] in ids:
            raise ValueError(f"roster {path}, line {line}: student_id {values['student_id']!r} appears twice")
        if values["platform_id"] and values["platform_id"] in platform_ids:
            raise ValueError(f"roster {path}, line {line}: platform_id {values['platform_id']!r} appears twice")
        ids.add(values["student_id"])
        platform_ids.add(values["platform_id"])
        students.append(Student(**values))
    if not students:
        raise ValueError(f"roster {path} has a header but no student")
    return Roster(tuple(students))


@dataclass(frozen=True)
class PlatformName:
    """What a learning platform's file or folder name says: which platform, its student id, the rest."""

    platform: str
    platform_id: str
    student: str        # the student as the name spells it (Canvas's name key, Moodle's full name)
    rest: str           # the file name the student uploaded (Canvas, Moodle without folders), or ''


def platform_name(relative: PurePosixPath) -> PlatformName | None:
    """The platform naming of a submission at ``relative`` inside the submissions root, if any."""
    first = relative.parts[0]
    moodle = MOODLE_PREFIX.match(first if len(relative.parts) >= 2 else relative.name)
    if moodle:
        rest = relative.name if len(relative.parts) >= 2 else (moodle["rest"] or "")
        return PlatformName("moodle", moodle["id"], moodle["name"], rest)
    canvas = CANVAS_FILE.match(relative.name) if len(relative.parts) == 1 else None
    if canvas:
        return PlatformName("canvas", canvas["id"], canvas["key"], canvas["rest"])
    return None


def _platform_table(path: Path, required: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """The rows of a platform's CSV export, refused with what was expected when its header lacks a column."""
    reader = _csv_rows(path, what)
    header = reader.fieldnames
    missing = [column for column in required if column not in header]
    if missing:
        raise ValueError(f"{path}: expected {what}, with the columns {', '.join(required)}; "
                         f"missing {', '.join(missing)} (got {', '.join(header) or 'an empty file'})")
    return [{key: (value or "").strip() for key, value in row.items() if key is not None} for row in reader]


def roster_from_canvas(path: Path) -> Roster:
    """A roster from Canvas's gradebook export (Grades > Export > CSV File).

    Each student's ``student_id`` is the SIS User ID, else the SIS Login ID, else ``canvas-<ID>``;
    ``platform_id`` is Canvas's user ID, which names the files of its submission download. The
    "Points Possible" row and Canvas's test student are left out.
    """
    students = []
    for row in _platform_table(path, ("Student", "ID", "SIS User ID", "SIS Login ID"), "Canvas's gradebook export"):
        if row["Student"].strip() in {"Points Possible", "Student, Test", "Test Student"} or not row["ID"].isdigit():
            continue
        login = row["SIS Login ID"]
        students.append(Student(student_id=row["SIS User ID"] or login or f"canvas-{row['ID']}", name=row["Student"],
                                email=login if "@" in login else "", platform_id=row["ID"]))
    return _checked(students, path)


PARTICIPANT = re.compile(r"^Participant (\d+)$")


def roster_from_moodle_worksheet(path: Path) -> Roster:
    """A roster from a Moodle assignment's grading worksheet (Assignment > View all submissions > Download grading worksheet).

    ``platform_id`` is the participant id of its Identifier column ("Participant 1001"), which names
    the folders of "Download all submissions"; ``student_id`` is the ID number when the worksheet has
    one, else the email address, else ``moodle-<participant id>``.
    """
    students = []
    for row in _platform_table(path, ("Identifier", "Full name", "Email address"), "a Moodle grading worksheet"):
        participant = PARTICIPANT.match(row["Identifier"])
        if participant is None:
            raise ValueError(f"{path}: expected Identifier values like 'Participant 1001'; got {row['Identifier']!r}")
        email = row["Email address"]
        students.append(Student(student_id=row.get("ID number") or email or f"moodle-{participant[1]}",
                                name=row["Full name"], email=email, platform_id=participant[1]))
    return _checked(students, path)


def _checked(students: list[Student], path: Path) -> Roster:
    """The roster, refused when two students share an id or a platform id, or nobody is in it."""
    if not students:
        raise ValueError(f"{path} lists no student")
    for column in ("student_id", "platform_id"):
        seen: set[str] = set()
        for student in students:
            value = getattr(student, column)
            if value in seen:
                raise ValueError(f"{path}: {column} {value!r} appears twice; fix the export or write roster.csv by hand")
            seen.add(value)
    return Roster(tuple(students))


def write_roster(roster: Roster, path: Path) -> None:
    """Write ``roster`` as roster.csv; an existing file is never replaced."""
    with path.open("x", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows((s.student_id, s.name, s.email, s.platform_id) for s in roster.students)
