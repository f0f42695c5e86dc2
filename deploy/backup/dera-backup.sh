#!/bin/sh
# Dera's database backup: one custom-format pg_dump, then dumps older than the retention are deleted.
# Run nightly by dera-backup.timer as the postgres user; docs/deploy.md says how to restore.
#   DERA_BACKUP_DATABASE   database name or URL (default: dera)
#   DERA_BACKUP_DIR        where the dumps go (default: /var/backups/dera)
#   DERA_BACKUP_KEEP_DAYS  days a dump is kept (default: 30)
set -eu

database=${DERA_BACKUP_DATABASE:-dera}
dir=${DERA_BACKUP_DIR:-/var/backups/dera}
keep_days=${DERA_BACKUP_KEEP_DAYS:-30}
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)

umask 077
mkdir -p "$dir"
# Written under a temporary name and renamed, so a half-written dump is never taken for a backup.
pg_dump --format=custom --no-owner --no-privileges --dbname="$database" --file="$dir/dera-$stamp.dump.partial"
mv "$dir/dera-$stamp.dump.partial" "$dir/dera-$stamp.dump"
find "$dir" -maxdepth 1 -name 'dera-*.dump' -mtime +"$keep_days" -delete
find "$dir" -maxdepth 1 -name 'dera-*.dump.partial' -mmin +720 -delete
echo "dera-backup: $dir/dera-$stamp.dump"
