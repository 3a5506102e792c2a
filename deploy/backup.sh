#!/bin/sh
# Back up Kari's two PostgreSQL databases (knowledge base with staff's edits; conversations) as
# pg_dump custom-format files in /backups (or $BACKUP_DIR), and delete those older than KEEP_DAYS.
#   sh backup.sh HOST            (PGPASSWORD in the environment; user kari)
# Restore:  pg_restore -h HOST -U kari -d kari_kb --clean --if-exists kari_kb-DATE.dump
set -eu
host="${1:?usage: backup.sh HOST}"
dir="${BACKUP_DIR:-/backups}"
keep="${KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
for db in kari_kb kari_tracker; do
  pg_dump -h "$host" -U kari -Fc -f "$dir/$db-$stamp.dump.partial" "$db"
  mv "$dir/$db-$stamp.dump.partial" "$dir/$db-$stamp.dump"
done
find "$dir" -name 'kari_*.dump' -mtime +"$keep" -delete
echo "backed up kari_kb and kari_tracker to $dir ($stamp)"
