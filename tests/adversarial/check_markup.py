#!/usr/bin/env python3
"""check_markup.py DIR - compare the outputs of a benign and a hostile mission
(tests/scripts/adversarial_markup.sh): every hostile output must parse and have the
structure of the benign one. Prints each failure; exits 1 if any."""
import html.parser
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def read(name):
    with open(name, encoding="utf-8") as f:
        return f.read()


def check_json():
    for kind in ("json", "diag.json", "diag.sarif"):
        for v in ("benign", "hostile"):
            try:
                json.loads(read(f"{v}.{kind}"))
            except ValueError as e:
                fail(f"{v}.{kind} is not JSON: {e}")
    b, h = json.loads(read("benign.json")), json.loads(read("hostile.json"))

    def shape(x):
        if isinstance(x, dict):
            return {k: shape(v) for k, v in x.items() if k not in ("title", "doc", "challenge")}
        if isinstance(x, list):
            return [shape(v) for v in x]
        return type(x).__name__
    if shape(b) != shape(h):
        fail("export: the hostile model has another structure than the benign one")
    if "<script>alert(1)</script>" not in read("hostile.json").replace("\\u003c", "<").replace("\\u003e", ">") \
            and "<script>alert(1)</script>" not in json.dumps(h, ensure_ascii=False):
        fail("export: the hostile title is not kept as text")


def dot_shape(path):
    """Nodes and edges of a DOT file as Graphviz reads it."""
    out = subprocess.run(["dot", "-Tjson0", path], capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"{path}: Graphviz cannot read it: {out.stderr.strip()[:300]}")
        return None
    g = json.loads(out.stdout)
    names = sorted(o.get("name", "") for o in g.get("objects", []) if "nodes" not in o)
    return len(names), len(g.get("edges", [])), names


def check_dot_svg():
    for view in ("map", "timeline", "actors", "rules", "portfolio"):
        b, h = dot_shape(f"benign.{view}.dot"), dot_shape(f"hostile.{view}.dot")
        if b and h and b != h:
            fail(f"{view}.dot: benign has {b[0]} nodes and {b[1]} edges, hostile {h[0]} and {h[1]}")
        counts = []
        for v in ("benign", "hostile"):
            try:
                root = ET.parse(f"{v}.{view}.svg").getroot()
            except ET.ParseError as e:
                fail(f"{v}.{view}.svg is not XML: {e}")
                continue
            tags = [el.tag.split("}")[-1] for el in root.iter()]
            if "script" in tags or "foreignObject" in tags:
                fail(f"{v}.{view}.svg holds an injected element")
            classes = [el.get("class") for el in root.iter() if el.get("class") in ("node", "edge")]
            counts.append((classes.count("node"), classes.count("edge")))
        if len(counts) == 2 and counts[0] != counts[1]:
            fail(f"{view}.svg: benign nodes/edges {counts[0]}, hostile {counts[1]}")


def check_mermaid():
    for view in ("map", "timeline", "actors", "rules", "portfolio"):
        b, h = read(f"benign.{view}.mmd").splitlines(), read(f"hostile.{view}.mmd").splitlines()
        if len(b) != len(h):
            fail(f"{view}.mmd: {len(b)} lines benign, {len(h)} hostile (a title broke a line)")
            continue
        for lb, lh in zip(b, h):
            if lh.startswith("title: "):
                try:       # YAML front matter: a double-quoted scalar, as in JSON
                    json.loads(lh[len("title: "):])
                except ValueError:
                    fail(f"{view}.mmd: the title is not one quoted string: {lh[:120]}")
                continue
            if view == "timeline":
                # a gantt line: its text is plain, but ':' ends it and '#', ';' are syntax
                if lb.count(":") != lh.count(":") or lh.count("#") != lb.count("#") \
                        or lh.count(";") != lb.count(";"):
                    fail(f"{view}.mmd: a title changed the gantt syntax: {lh[:120]}")
                continue
            # a flowchart: labels are quoted; markup and quotes inside are entities
            if lh.count('"') % 2 or "<script" in lh or "</td" in lh:
                fail(f"{view}.mmd: raw markup or unbalanced quotes: {lh[:120]}")
            arrows = lambda line: line.count("-->") + line.count("---") + line.count("-.->")
            if arrows(re.sub(r'"[^"]*"', '""', lb)) != arrows(re.sub(r'"[^"]*"', '""', lh)):
                fail(f"{view}.mmd: a title added an edge: {lh[:120]}")


class Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.tags.append("on-attribute")

    def handle_data(self, data):
        self.text.append(data)


def check_html():
    seen = {}
    for v in ("benign", "hostile"):
        p = Tags()
        p.feed(read(f"{v}.status.html"))
        seen[v] = p
    b, h = seen["benign"], seen["hostile"]
    for bad in ("script", "img", "iframe", "on-attribute"):
        if h.tags.count(bad) > b.tags.count(bad):
            fail(f"status.html: an injected <{bad}>")
    if sorted(set(h.tags)) != sorted(set(b.tags)) or h.tags.count("tr") != b.tags.count("tr") \
            or h.tags.count("td") != b.tags.count("td"):
        fail("status.html: the hostile page has other elements or cells than the benign one")
    if "<script>alert(1)</script>" not in "".join(h.text):
        fail("status.html: the hostile title is not shown as text")


def md_rows(text):
    rows = []
    for line in text.splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line)
            rows.append(len(cells))
    return rows


def check_markdown():
    b, h = read("benign.status.markdown"), read("hostile.status.markdown")
    if md_rows(b) != md_rows(h):
        fail("status.markdown: the tables have other rows or cells than the benign ones")
    if len(b.splitlines()) != len(h.splitlines()):
        fail("status.markdown: a title added lines")
    for raw in (r"<script>", r"</td>", r"<img", r"\]\(javascript", r"`code`"):
        if re.search(r"(?<!\\)" + raw, h):
            fail(f"status.markdown: raw {raw}")
    b, h = read("benign.status.text"), read("hostile.status.text")
    if len(b.splitlines()) != len(h.splitlines()):
        fail("status text: a title added lines")
    if "\x1b" in h:
        fail("status text: an escape character")


def main():
    os.chdir(sys.argv[1])
    check_json()
    check_dot_svg()
    check_mermaid()
    check_html()
    check_markdown()
    sys.exit(1 if failures else 0)


main()
