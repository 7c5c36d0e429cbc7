#!/usr/bin/env bash
# test_doc_links.sh — the documents' cross-references resolve: every `docs/X.md, "Heading"` or
# `docs/X.md "Heading"` citation (and each further `, "Heading"` after it) in README.md, docs/*.md and
# bench/* names an existing file with a heading (or a paragraph's bold lead) that begins with the quoted text, and every `(docs/X.md)`
# link names an existing file. One check per citation that fails, one for all that pass.
# Usage: tests/test_doc_links.sh [path/to/hrcast]   (the binary is not used)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
python3 - README.md docs/*.md bench/* <<'PY'
import os, re, sys

def headings(path, cache={}):
    if path not in cache:
        hs = []
        with open(path, encoding="utf-8") as f:
            fence = False
            for line in f:
                if line.startswith("```"):
                    fence = not fence
                elif not fence and re.match(r"#{1,6} ", line):
                    hs.append(line.lstrip("#").strip())
                elif not fence and re.match(r"(- )?\*\*", line):  # a bold lead: "**Run of ...**", "- **Why ...**"
                    hs.append(line.split("**")[1].strip())
        cache[path] = hs
    return cache[path]

def plain(s):  # compare without markdown code marks and with one kind of quote
    return s.replace("`", "").replace("\u2019", "'").strip()

# docs/X.md then , or a space, then "Heading" (and more ', "Heading"' after it, same file); the file may be
# written as a markdown link [docs/X.md](docs/X.md)
cite = re.compile(r'(docs/[A-Za-z0-9_.-]+\.md)(?:\]\([^)]*\))?(?:,\s*|\s+)((?:"[^"\n]+"(?:,\s*)?)+)')
link = re.compile(r'\((docs/[A-Za-z0-9_.-]+\.md)(?:#[^)]*)?\)')
passed = failed = 0
for src in sys.argv[1:]:
    if not os.path.isfile(src):
        continue
    try:
        text = open(src, encoding="utf-8").read()
    except UnicodeDecodeError:
        continue
    # a citation may be broken over lines (and comment marks in scripts)
    flat = re.sub(r"\n[ \t]*(?:#|//|\*|>)?[ \t]*", " ", text)
    for m in cite.finditer(flat):
        doc = m.group(1)
        for h in re.findall(r'"([^"]+)"', m.group(2)):
            what = f'{src}: {doc}, "{h}"'
            if not os.path.isfile(doc):
                print(f"FAIL {what}: no such file"); failed += 1
            elif not any(plain(x).startswith(plain(h)) for x in headings(doc)):
                print(f"FAIL {what}: no heading begins so"); failed += 1
            else:
                passed += 1
    for m in link.finditer(flat):
        if os.path.isfile(m.group(1)):
            passed += 1
        else:
            print(f"FAIL {src}: ({m.group(1)}): no such file"); failed += 1
print(f"ok   {passed} citations and links resolve")
print(f"test_doc_links.sh: {1 if passed and not failed else 0} passed, {failed} failed")
sys.exit(1 if failed or not passed else 0)
PY
