# hrcast-completion.bash — bash completion for hrcast (installed as share/bash-completion/completions/hrcast).
# Commands and options are read from the installed binary's own `hrcast help` and `hrcast CMD --help`
# at completion time (and cached per shell), so completion never disagrees with the program.
_hrcast_words() {
  # $1: "" for the command list, else a command name; prints the words once per shell session
  local key="_HRCAST_COMP_${1//-/_}"
  if [ -z "${!key:-}" ]; then
    local words
    if [ -z "$1" ]; then
      words=$("${_HRCAST_BIN:-hrcast}" help 2>/dev/null |
        awk '/^commands:/ { f = 1; next } f && /^  [a-z]/ { print $1 } f && /^$/ { exit }')
      words="$words help --version --help"
    else
      # the option lines only ("  -o, --output FILE ...", "      --step S ..."), not options named in the prose
      words=$("${_HRCAST_BIN:-hrcast}" "$1" --help 2>/dev/null |
        sed -nE 's/^ {1,8}(-[a-zA-Z0-9], )?(--[a-zA-Z0-9][a-zA-Z0-9-]*).*/\1 \2/p' | tr -d ',' | tr ' ' '\n' |
        grep -E '^-' | sort -u)
    fi
    printf -v "$key" '%s' "$(printf '%s ' $words)"
  fi
  printf '%s' "${!key}"
}

_hrcast() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  _HRCAST_BIN=${COMP_WORDS[0]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_hrcast_words "")" -- "$cur")
    return
  fi
  local cmd=${COMP_WORDS[1]}
  if [ "$cmd" = help ]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_hrcast_words "")" -- "$cur")
    return
  fi
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_hrcast_words "$cmd")" -- "$cur")
    return
  fi
  mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  compopt -o filenames 2>/dev/null
}
complete -F _hrcast hrcast
