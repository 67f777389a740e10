#!/usr/bin/env python3
"""diag_codes.py SOURCE_DIR [LANGUAGE_MD] [SARIF_LOG...] - one catalogue of diagnostic codes.

Checks that the diagnostic codes agree in three places:
  - the sources: every DiagCode the compiler names (an identifier E0201 or W0104 in the
    C code of compiler/, include/ and grammar/, comments and strings excluded);
  - the catalogue: the X(CODE, NAME, TITLE, HELP) entries of compiler/base/diag_codes.h;
  - the reference: the headings "CODE title" of LANGUAGE.md (for a lint,
    "CODE `option`: title", where option is the lint's -W name in check/lint.c).
Every code named in the sources has exactly one catalogue entry; every catalogue entry
is named in the sources, has exactly one heading, and the same title in both; every
code LANGUAGE.md mentions is in the catalogue; no source writes a code as a string
literal ("E0201"); the catalogue is sorted by code. Each SARIF_LOG given must name
every rule with the catalogue's title as shortDescription. Prints every problem and
exits 1 if there is one.
"""
import json
import os
import re
import sys

CODE = re.compile(r"\b([EW]\d{4})\b")


def c_tokens(text):
    """The code of a C-like text without comments, and the contents of its string literals.

    A string or character literal ends at its closing quote or at the end of its line
    (as in C), so a stray quote in a Flex pattern spoils one line at most."""
    code, strings = [], []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            code.append(" ")
            i = n if j < 0 else j + 2
        elif c in "\"'":
            j, lit = i + 1, []
            while j < n and text[j] != c and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n:
                    lit.append(text[j:j + 2])
                    j += 2
                else:
                    lit.append(text[j])
                    j += 1
            if c == '"':
                strings.append("".join(lit))
            code.append(" ")
            i = j + 1
        else:
            code.append(c)
            i += 1
    return "".join(code), strings


def c_unescape(s):
    """The value of the body of a C string literal (the escapes the catalogue uses)."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def source_files(src):
    """The compiler's C sources and grammar files, but the catalogue itself."""
    for top in ("compiler", "include", "grammar"):
        for folder, _, files in os.walk(os.path.join(src, top)):
            for f in sorted(files):
                if f.endswith((".c", ".h", ".l", ".y")) and f != "diag_codes.h":
                    yield os.path.join(folder, f)


def catalogue(path):
    """[(code, name, title)] from the X(...) entries of diag_codes.h."""
    text = open(path, encoding="utf-8").read()
    entry = re.compile(r'^\s*X\(\s*(\w+)\s*,\s*"((?:[^"\\]|\\.)*)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*,', re.M)
    return [(m.group(1), c_unescape(m.group(2)), c_unescape(m.group(3))) for m in entry.finditer(text)]


def headings(path):
    """{code: [(line, title, option)]} from the headings of LANGUAGE.md (fenced blocks skipped),
    and every code the document mentions anywhere, with a line."""
    found, mentions, fence, unknown_codes = {}, [], False, False
    head = re.compile(r"^#{2,6} ([EW]\d{4}) (.+?)\s*$")
    lint = re.compile(r"^`([\w-]+)`: (.+)$")
    for no, line in enumerate(open(path, encoding="utf-8"), 1):
        # The examples of E0706 show unknown codes on purpose: their mentions do not count.
        if not (unknown_codes or "unknown warning code" in line):
            for m in CODE.finditer(line):
                mentions.append((no, m.group(1)))
        if re.match(r"^ {0,3}```", line):
            fence = not fence
            unknown_codes = fence and "E0706" in line
            continue
        m = None if fence else head.match(line)
        if not m:
            continue
        code, title, option = m.group(1), m.group(2), None
        lm = lint.match(title)
        if lm:
            option, title = lm.group(1), lm.group(2)
        found.setdefault(code, []).append((no, title, option))
    return found, mentions


def lint_options(path):
    """{code: -W name} from the LINT_LIST of check/lint.c."""
    text = open(path, encoding="utf-8").read()
    return {m.group(2): m.group(1) for m in re.finditer(r'X\(\s*LINT_\w+\s*,\s*"([\w-]+)"\s*,\s*(W\d{4})\b', text)}


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    src = argv[1]
    doc = argv[2] if len(argv) > 2 else os.path.join(src, "LANGUAGE.md")
    problems = []

    entries = catalogue(os.path.join(src, "compiler/base/diag_codes.h"))
    by_code = {}
    for code, name, title in entries:
        by_code.setdefault(code, []).append((name, title))
    codes = [e[0] for e in entries]
    if len(entries) < 50:
        problems.append(f"diag_codes.h: only {len(entries)} entries read; is the X(...) format changed?")
    if codes != sorted(codes):
        problems.append("diag_codes.h: the entries are not sorted by code")
    for code, list_ in sorted(by_code.items()):
        if len(list_) > 1:
            problems.append(f"diag_codes.h: {code} has {len(list_)} entries")

    used = {}
    for path in source_files(src):
        code_text, strings = c_tokens(open(path, encoding="utf-8", errors="replace").read())
        rel = os.path.relpath(path, src)
        for m in CODE.finditer(code_text):
            used.setdefault(m.group(1), set()).add(rel)
        for s in strings:
            if re.fullmatch(r"[EW]\d{4}", s):
                problems.append(f'{rel}: the code "{s}" is a string literal; write the DiagCode {s}')
    if len(used) < 50:
        problems.append(f"the sources name only {len(used)} codes; is the parser of the sources broken?")
    for code in sorted(used):
        if code not in by_code:
            problems.append(f"{code} is used in {', '.join(sorted(used[code]))} but has no catalogue entry")
    for code in codes:
        if code not in used:
            problems.append(f"{code} has a catalogue entry but no source emits it")

    heads, mentions = headings(doc)
    lints = lint_options(os.path.join(src, "compiler/check/lint.c"))
    for code, list_ in sorted(by_code.items()):
        title = list_[0][1]
        found = heads.get(code, [])
        if not found:
            problems.append(f"{code} ({title}) has no heading in LANGUAGE.md")
            continue
        if len(found) > 1:
            problems.append(f"{code} has {len(found)} headings in LANGUAGE.md (lines {', '.join(str(f[0]) for f in found)})")
        line, doc_title, option = found[0]
        if doc_title != title:
            problems.append(f"{code}: LANGUAGE.md:{line} titles it '{doc_title}', the catalogue '{title}'")
        if code in lints and option != lints[code]:
            problems.append(f"{code}: LANGUAGE.md:{line} should name its -W option: `{lints[code]}`: {title}")
    for code in sorted(heads):
        if code not in by_code:
            problems.append(f"LANGUAGE.md:{heads[code][0][0]}: heading of {code}, which the catalogue does not have")
    for line, code in mentions:
        if code not in by_code and code not in heads:
            problems.append(f"LANGUAGE.md:{line}: mentions {code}, which the catalogue does not have")

    rules = 0
    for log in argv[3:]:
        try:
            # the log is the first document: eval prints its data errors after it
            data = json.JSONDecoder().raw_decode(open(log, encoding="utf-8").read())[0]
        except (OSError, ValueError) as e:
            problems.append(f"{log}: not a SARIF log: {e}")
            continue
        for run in data.get("runs", []):
            for rule in run["tool"]["driver"].get("rules", []):
                rules += 1
                want = by_code.get(rule["id"], [(None, None)])[0][1]
                got = rule.get("shortDescription", {}).get("text")
                if got != want:
                    problems.append(f"{log}: rule {rule['id']} has shortDescription '{got}', not '{want}'")

    for p in problems:
        print("FAIL:", p)
    print(f"{len(entries)} catalogue entries, {len(used)} codes in the sources, "
          f"{sum(len(v) for v in heads.values())} headings, {rules} SARIF rules checked: "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
