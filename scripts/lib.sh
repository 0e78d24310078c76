# Shared by the install scripts (sourced, not run): messages under the script's name, and the temporary
# directories `work` and `stage` removed however the script ends (an interrupted build leaves nothing behind).
# The caller sets SCRIPT before sourcing.

log() { printf '%s: %s\n' "$SCRIPT" "$*" >&2; }
die() { log "error: $*"; exit 1; }

work="" stage=""
cleanup() {
  [[ -n $work ]] && rm -rf "$work"
  [[ -n $stage ]] && rm -rf "$stage"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
