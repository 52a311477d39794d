#!/bin/sh
# `pnpm start` and `pnpm serve`, at the workspace root as in apps/web: plain node with the
# settings below. The root scripts run this rather than a second `pnpm --filter`, whose process
# stayed resident beside the server for as long as it ran (90–120 MB).
# Why these settings: README, Memory. glibc reads MALLOC_* and Node NODE_OPTIONS only as a
# process starts: start.mjs could not set them.
set -e
cd "$(dirname "$0")"
entry=$1
shift
case "$entry" in
  # serve.mjs's server makes NODE_ENV production itself unless it says development.
  start) export NODE_ENV=production ;;
  serve) ;;
  *) echo "usage: run-server.sh start|serve [args]" >&2; exit 2 ;;
esac
export MALLOC_MMAP_THRESHOLD_=1048576 MALLOC_ARENA_MAX=2
export NODE_OPTIONS="--max-semi-space-size=16 ${NODE_OPTIONS:-}"
exec node "$entry.mjs" "$@"
