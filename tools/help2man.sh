#!/usr/bin/env bash
# help2man.sh — writes the man pages of hrcast from the binary's own help texts, so that a page and
# `--help` never disagree: hrcast.1 from `hrcast help` (NAME, SYNOPSIS, one entry per command) and
# hrcast-CMD.1 from `hrcast CMD --help` (the usage line as SYNOPSIS, the rest of the text verbatim, each
# "options:"/"examples:" heading as a section). Run by the Makefile after linking; reads nothing else.
# Usage: tools/help2man.sh BUILD/hrcast OUTDIR
set -euo pipefail
bin=$1 out=$2
mkdir -p "$out"
# run it by its bare name (found on PATH), as an installed hrcast is: its hints then say "hrcast ..."
PATH="$(cd "$(dirname "$bin")" && pwd):$PATH"
bin=hrcast
version=$("$bin" --version)
version=${version#hrcast }
version=${version%% *}
# the help text, read once: every parse below reads this variable, never a pipe from hrcast, because a
# reader that stops early (head, awk's exit) would kill hrcast with SIGPIPE and pipefail would fail the build
help_all=$("$bin" help)

# roff escaping of one line of plain text: backslash, hyphen (so pasted options work), leading . and '
esc() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\([.']\)/\\\\\&\1/"; }

# body TEXT: the help text after its usage lines; "word:" lines become sections, the rest stays verbatim
body() {
  awk 'BEGIN { print ".SH DESCRIPTION"; print ".nf" }
       /^[a-z][a-z ]*:$/ { print ".fi"; print ".SH " toupper(substr($0, 1, length($0) - 1)); print ".nf"; next }
       { print }
       END { print ".fi" }' | sed -e 's/^\.SH \(.*\)\\-\(.*\)$/.SH \1-\2/'
}

commands=$(awk '/^commands:/ { f = 1; next } f && /^$/ { f = 0 } f && /^  [a-z]/ { print $1 }' <<<"$help_all")
{
  echo ".TH HRCAST 1 \"\" \"hrcast $version\" \"hrcast manual\""
  echo ".SH NAME"
  sed -n -e 1p <<<"$help_all" | sed -e "s/^hrcast $version — /hrcast \\\\- /"
  echo ".SH SYNOPSIS"
  echo ".B hrcast"
  echo "COMMAND [options]"
  echo ".br"
  echo ".B hrcast"
  echo "\\-\\-version | help [COMMAND]"
  echo ".SH COMMANDS"
  awk '/^commands:/ { f = 1; next } f && /^$/ { f = 0 } f && /^  [a-z]/ { print }' <<<"$help_all" |
    while read -r name summary; do
      printf '.TP\n.BR hrcast\\-%s (1)\n%s\n' "$(printf '%s' "$name" | esc)" "$(printf '%s' "$summary" | esc)"
    done
  echo ".SH DESCRIPTION"
  echo ".nf"
  awk '/^commands:/ { f = 1; next } f == 1 && /^$/ { f = 2; next } f == 2 { print }' <<<"$help_all" | esc
  echo ".fi"
  echo ".SH SEE ALSO"
  for c in $commands; do printf '.BR hrcast\\-%s (1)\n' "$(printf '%s' "$c" | esc)"; done
} > "$out/hrcast.1.tmp"
mv "$out/hrcast.1.tmp" "$out/hrcast.1"

for c in $commands; do
  summary=$(awk -v c="$c" '!done && $1 == c { $1 = ""; sub(/^ +/, ""); print; done = 1 }' <<<"$help_all")
  help=$("$bin" "$c" --help)
  page="$out/hrcast-$c.1"
  {
    echo ".TH HRCAST-$(printf '%s' "$c" | tr a-z A-Z | esc) 1 \"\" \"hrcast $version\" \"hrcast manual\""
    echo ".SH NAME"
    printf 'hrcast\\-%s \\- %s\n' "$(printf '%s' "$c" | esc)" "$(printf '%s' "$summary" | esc)"
    echo ".SH SYNOPSIS"
    echo ".nf"
    # the usage lines: up to the first blank line, without "usage: "
    awk '/^$/ { stop = 1 } !stop { sub(/^usage: /, ""); print }' <<<"$help" | esc
    echo ".fi"
    awk 'f { print } /^$/ && !f { f = 1 }' <<<"$help" | esc | body
    echo ".SH SEE ALSO"
    echo ".BR hrcast (1)"
    echo ".PP"
    echo "The docs/*.md files cited above are installed in PREFIX/share/doc/hrcast/docs/ by make install"
    echo "(/usr/share/doc/hrcast/docs/ from the Debian package)."
  } > "$page.tmp"
  mv "$page.tmp" "$page"
done
