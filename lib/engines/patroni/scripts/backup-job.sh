# shellcheck shell=bash
# Backup CronJob, one-off and safety dump Jobs: one dump of one database.
take_dump >/dev/null
