#!/usr/bin/env python3
"""Check the ICD-10-CM search-relevance regression set against the official tabular.

Usage:
    python3 scripts/check_query_set.py TABULAR_XML[.gz] [QUERIES_TSV] [--all] [--quiet]

TABULAR_XML  the CMS ICD-10-CM tabular list (e.g. icd10cm-tabular-April-1-2026.xml.gz),
             gzipped or plain XML (root ICD10CM.tabular).
QUERIES_TSV  defaults to tests/fixtures/search_queries.tsv next to this script's repo.
--all        print the title of every accepted code, not only the first one.
--quiet      do not print per-query titles (only problems and counts).

Checks:
  * the file is UTF-8, has the exact header "query<TAB>accepted<TAB>kind<TAB>note",
    every row has exactly 4 tab-separated columns, no CR characters;
  * query and accepted are non-empty, kind is from the allowed set;
  * no duplicate queries (compared case-insensitively with whitespace collapsed);
  * no duplicate codes within one row;
  * every accepted code is a valid ICD-10-CM code: any <diag> name in the tabular,
    or a 7th-character expansion of a leaf code that inherits a <sevenChrDef>
    (codes shorter than 6 characters without the dot are padded with placeholder X),
    minus the S06 exception the tabular states only in a note (no D/S 7th character
    for S06 codes whose 6th character is 7 or 8).

Notes (not failures):
  * accepted codes that are a leaf needing a 7th character (a "stem", e.g. S72.009);
    stems shorter than 6 characters (e.g. S22.39 -> S22.39XA) are flagged separately,
    because a full code differs from them by the placeholder X as well as the 7th character;
  * accepted codes that are non-leaf headers (not billable as such).

Exit status 0 when there are no errors, 1 otherwise. Standard library only.
"""
from __future__ import annotations

import collections
import gzip
import os
import re
import sys
import xml.etree.ElementTree as ET

HEADER = ["query", "accepted", "kind", "note"]
KINDS = {
    "phrase",
    "abbreviation",
    "misspelling",
    "lay",
    "injury",
    "synonym",
    "specific",
    "symptom",
    "z-code",
    "external",
}
CODE_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


class Tabular:
    def __init__(self) -> None:
        # code -> (title, is_leaf, seven_chr_def or None)
        self.diag: dict[str, tuple[str, bool, dict[str, str] | None]] = {}
        # full 7-character code -> (base leaf code, 7th char)
        self.expanded: dict[str, tuple[str, str]] = {}

    @staticmethod
    def expand(code: str, ch: str) -> str:
        flat = code.replace(".", "")
        flat = flat.ljust(6, "X") + ch
        return flat[:3] + "." + flat[3:]

    def load(self, path: str) -> None:
        opener = gzip.open if _is_gzip(path) else open
        with opener(path, "rb") as fh:
            root = ET.parse(fh).getroot()
        if root.tag != "ICD10CM.tabular":
            raise SystemExit(f"unexpected root element {root.tag!r} in {path}")
        for chapter in root.iter("chapter"):
            for section in chapter.findall("section"):
                for d in section.findall("diag"):
                    self._walk(d, None)

    def _walk(self, d: ET.Element, seven: dict[str, str] | None) -> None:
        name = (d.findtext("name") or "").strip()
        desc = (d.findtext("desc") or "").strip()
        sdef = d.find("sevenChrDef")
        if sdef is not None:
            seven = {
                (e.get("char") or "").strip(): (e.text or "").strip()
                for e in sdef.findall("extension")
            }
        kids = d.findall("diag")
        leaf = not kids
        self.diag[name] = (desc, leaf, seven if seven else None)
        if leaf and seven:
            for ch in seven:
                if not self._seventh_applies(name, ch):
                    continue
                self.expanded[self.expand(name, ch)] = (name, ch)
        for k in kids:
            self._walk(k, seven)

    @staticmethod
    def _seventh_applies(code: str, ch: str) -> bool:
        # The only exception stated in free text (a <note> under S06), not in markup:
        # "7th characters D and S do not apply to codes in category S06 with 6th
        # character 7 - death due to brain injury prior to regaining consciousness,
        # or 8 - death due to other cause prior to regaining consciousness."
        flat = code.replace(".", "")
        if flat.startswith("S06") and len(flat) == 6 and flat[5] in "78" and ch in "DS":
            return False
        return True

    def valid(self, code: str) -> bool:
        return code in self.diag or code in self.expanded

    def describe(self, code: str) -> str:
        if code in self.diag:
            desc, leaf, seven = self.diag[code]
            tags = []
            if not leaf:
                tags.append("HEADER")
            elif seven:
                tags.append("STEM needs 7th char")
            return desc + (f"  [{'; '.join(tags)}]" if tags else "")
        if code in self.expanded:
            base, ch = self.expanded[code]
            desc, _, seven = self.diag[base]
            return f"{desc}, {seven[ch]}"
        return "<INVALID>"


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def main(argv: list[str]) -> int:
    flags = {a for a in argv[1:] if a.startswith("--")}
    args = [a for a in argv[1:] if not a.startswith("--")]
    unknown = flags - {"--all", "--quiet"}
    if unknown or not 1 <= len(args) <= 2:
        print(__doc__, file=sys.stderr)
        return 2
    tab_path = args[0]
    tsv_path = (
        args[1]
        if len(args) == 2
        else os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "search_queries.tsv"
        )
    )
    show_all = "--all" in flags
    quiet = "--quiet" in flags

    tab = Tabular()
    tab.load(tab_path)
    n_leaf = sum(1 for v in tab.diag.values() if v[1] and not v[2])
    print(
        f"tabular: {len(tab.diag)} diag names, {len(tab.expanded)} 7th-character codes, "
        f"{n_leaf + len(tab.expanded)} billable codes"
    )

    errors: list[str] = []
    notes: list[str] = []
    raw = open(tsv_path, "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        print(f"ERROR: {tsv_path} is not UTF-8: {e}")
        return 1
    if text.startswith("\ufeff"):
        errors.append("file starts with a BOM")
        text = text[1:]
    if "\r" in text:
        errors.append("file contains CR characters (use LF line endings)")
    if not text.endswith("\n"):
        errors.append("file does not end with a newline")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0].split("\t") != HEADER:
        errors.append(f"header must be exactly {'<TAB>'.join(HEADER)!r}, got {lines[0] if lines else ''!r}")

    kinds: collections.Counter[str] = collections.Counter()
    seen: dict[str, int] = {}
    rows = 0
    code_uses: collections.Counter[str] = collections.Counter()
    for lineno, line in enumerate(lines[1:], start=2):
        if not line.strip():
            errors.append(f"line {lineno}: blank line")
            continue
        cols = line.split("\t")
        if len(cols) != 4:
            errors.append(f"line {lineno}: expected 4 tab-separated columns, got {len(cols)}: {line!r}")
            continue
        query, accepted, kind, note = cols
        rows += 1
        if query != query.strip() or not query:
            errors.append(f"line {lineno}: query empty or has leading/trailing whitespace: {query!r}")
        key = " ".join(query.lower().split())
        if key in seen:
            errors.append(f"line {lineno}: duplicate query {query!r} (first on line {seen[key]})")
        else:
            seen[key] = lineno
        if kind not in KINDS:
            errors.append(f"line {lineno}: kind {kind!r} not one of {sorted(KINDS)}")
        kinds[kind] += 1
        codes = [c.strip() for c in accepted.split(",")]
        if not accepted.strip() or any(not c for c in codes):
            errors.append(f"line {lineno}: empty accepted code list or empty item: {accepted!r}")
            codes = [c for c in codes if c]
        if len(set(codes)) != len(codes):
            errors.append(f"line {lineno}: duplicate code in accepted list {accepted!r}")
        for c in codes:
            code_uses[c] += 1
            if not CODE_RE.match(c):
                errors.append(f"line {lineno}: {c!r} is not in dotted ICD-10-CM form")
                continue
            if not tab.valid(c):
                errors.append(f"line {lineno}: {c} ({query!r}) is not a valid ICD-10-CM code in the tabular")
                continue
            if c in tab.diag:
                _, leaf, seven = tab.diag[c]
                if leaf and seven:
                    if len(c.replace(".", "")) < 6:
                        notes.append(
                            f"line {lineno}: {c} ({query!r}) is a short stem; full codes are "
                            f"{Tabular.expand(c, 'A')} etc. (placeholder X + 7th character)"
                        )
                    else:
                        notes.append(f"line {lineno}: {c} ({query!r}) is a stem needing a 7th character")
                elif not leaf:
                    notes.append(f"line {lineno}: {c} ({query!r}) is a non-billable header")
        if not quiet and codes:
            shown = codes if show_all else codes[:1]
            for i, c in enumerate(shown):
                lead = f"{query!r:45} [{kind}]" if i == 0 else " " * 45 + "  +"
                print(f"{lead} {c:9} {tab.describe(c) if CODE_RE.match(c) else '<BAD FORM>'}")

    print()
    print(f"rows: {rows}")
    for k in sorted(KINDS | set(kinds)):
        print(f"  {k:13} {kinds.get(k, 0)}")
    print(f"distinct accepted codes: {len(code_uses)}")
    if notes:
        print(f"\nnotes ({len(notes)}):")
        for n in notes:
            print("  " + n)
    if errors:
        print(f"\nERRORS ({len(errors)}):")
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
