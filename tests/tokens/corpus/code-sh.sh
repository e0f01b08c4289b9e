#!/bin/sh
# summarize-logs.sh: one line per day of the errors in a log directory.
set -eu

dir=${1:-/var/log/app}
test -d "$dir" || { echo "summarize-logs: no directory '$dir'" >&2; exit 66; }

for f in "$dir"/*.log; do
	day=$(basename "$f" .log)
	n=$(grep -c 'ERROR' "$f" || true)
	case $n in
	0) continue ;;
	1) printf '%s: one error\n' "$day" ;;
	*) printf '%s: %d errors\n' "$day" "$n" ;;
	esac
done | sort -r | head -n "${LIMIT:-30}"

if [ -n "${MAIL_TO:-}" ] && command -v mail >/dev/null 2>&1; then
	mail -s "errors in $dir" "$MAIL_TO" </dev/null
fi
