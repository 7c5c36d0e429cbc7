# has.sh — `has ARGS...`: `grep -q ARGS` over the whole of stdin, for the shell tests' pipes. A test
# written `hrcast ... | grep -q X` under pipefail fails at random: grep -q exits at its first match, the
# writer's next write() dies of SIGPIPE (exit 141) and pipefail reports the pipe as failed, the more often
# the longer the output (help texts over 4 KiB are written in two parts). has reads everything first.
# Source it:  . "$(dirname "${BASH_SOURCE[0]}")/has.sh"
has() { local input; input=$(cat); grep -q "$@" <<<"$input"; }
