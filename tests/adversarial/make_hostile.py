#!/usr/bin/env python3
"""make_hostile.py IN.mission OUT.mission - the same mission with every title and
`///` doc replaced by markup, quotes and escapes that break HTML, Markdown, DOT,
Mermaid, JSON, SARIF and C if they are not escaped (tests/scripts/adversarial_markup.sh)."""
import re
import sys

# In mission-string syntax: \" is a quote, \\ a backslash, \n a newline, \t a tab.
HOSTILE = [
    r'<script>alert(1)</script>',
    r'\"]; node [label=\"pwned\"]; x [',
    r'--> end; click A call alert(1) %%',
    r'</td></tr></table><img src=x onerror=alert(1)>',
    r'*/ int pwned; /* | `code` | [link](javascript:x) \\ back',
    r'line one\nline two\tTab & &amp; {braces} (parens) #hash; ;',
]

def main():
    src = open(sys.argv[1], encoding='utf-8').read()
    count = [0]

    def title(m):
        h = HOSTILE[count[0] % len(HOSTILE)]
        count[0] += 1
        return f'{m.group(1)}"{h} #{count[0]}"'

    # a title: a string right after `kind name` at the start of a declaration
    out = re.sub(r'^((?:mission|actor|indicator|goal|milestone|instrument|project|score|condition|phase)\s+\w+\s+)"(?:[^"\\]|\\.)*"',
                 title, src, flags=re.M)
    out = re.sub(r'^(\s*challenge\s+)"(?:[^"\\]|\\.)*"', lambda m: title(m), out, flags=re.M)
    # a doc comment before every declaration that has none
    out = re.sub(r'^(actor|goal|score) ', lambda m: '/// <b>doc</b> `tick` --> "]; */ </td> & ' + m.group(1) + ' doc\n' + m.group(0),
                 out, flags=re.M)
    open(sys.argv[2], 'w', encoding='utf-8').write(out)
    print(count[0], 'titles', file=sys.stderr)

main()
