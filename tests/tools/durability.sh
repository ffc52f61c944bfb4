#!/bin/sh
# How durable a pool is, as pmemfile info, pmemfile df and pmemfile run -v
# say it: volatile for a pool file on tmpfs; on a disk file system, journal
# by default where the kernel tracks written pages (Linux 6.7), else msync
# (libpmemobj msyncs each flush), or with PMEM_IS_PMEM_FORCE=1, unsafe.
# run says it only with -v or when its standard error is a terminal.
. "$TEST_TOP/tests/tools/lib.sh"

VOLATILE="volatile (the pool file is in memory (tmpfs): gone at a reboot)"
MSYNC="msync (an ordinary file, msynced at each flush: each call is durable when it returns, at the disk's speed)"
UNSAFE="unsafe (an ordinary file treated as pmem (PMEM_IS_PMEM_FORCE=1): not durable, a power cut may leave the pool inconsistent)"

. "$TEST_TOP/tests/disk_lib.sh"
disk_dir durability
SHM=$(mktemp -d /dev/shm/pmemfile-durability.XXXXXX) || exit 1
trap 'rm -rf "$DISK" "$SHM"' EXIT

durability() {
	printf '%s\n' "$out" | sed -n "s/^durability: *//p"
}

new_pool "$SHM/p.pool"
run "$PF" info "$SHM/p.pool"
expect "info of a pool on tmpfs" "$(durability)" "$VOLATILE"
run "$PF" df "$SHM/p.pool"
expect "df of a pool on tmpfs" "$(durability)" "$VOLATILE"

# whether the kernel has the journal mode: a pool chosen so takes a file
JOURNAL="journal (an ordinary file run in memory and journaled: durable at each fsync, sync, close and every 5 s, consistent after a power cut)"
printf 'kept\n' >"$DISK/in"
PMEM_IS_PMEM_FORCE=0 new_pool "$DISK/probe.pool"
"$PF" durability "$DISK/probe.pool" journal >/dev/null
if "$PF" put "$DISK/probe.pool" "$DISK/in" /f 2>"$DISK/err"; then
	DEFAULT=$JOURNAL
elif grep -q "Linux 6.7" "$DISK/err"; then
	echo "journal mode is not available here: $(cat "$DISK/err")"
	DEFAULT=$MSYNC
else
	expect "put in journal mode" "$(cat "$DISK/err")" ""
fi

# by default: journal (msync without the kernel's help); forced: unsafe
PMEM_IS_PMEM_FORCE=0 new_pool "$DISK/p.pool"
for cmd in info df; do
	PMEM_IS_PMEM_FORCE=0 run "$PF" $cmd "$DISK/p.pool"
	expect "$cmd of a pool on a disk" "$(durability)" "$DEFAULT"
	PMEM_IS_PMEM_FORCE=1 run "$PF" $cmd "$DISK/p.pool"
	expect "$cmd of a pool on a disk, forced to pmem" "$(durability)" \
		"$UNSAFE"
done
PMEM_IS_PMEM_FORCE=0 expect_run 0 "$DISK/p.pool: $DEFAULT" "" \
	"$PF" durability "$DISK/p.pool"
PMEM_IS_PMEM_FORCE=0 run "$PF" put "$DISK/p.pool" "$DISK/in" /d
expect "status of put in the default mode" "$rc" 0
expect "a file put in the default mode" \
	"$(PMEM_IS_PMEM_FORCE=0 "$PF" cat "$DISK/p.pool" /d)" kept
expect "the default mode's journal" "$(test -e "$DISK/p.pool.journal" &&
	echo there)" "$([ "$DEFAULT" = "$JOURNAL" ] && echo there)"

# a user who may write the pool file but not make its journal (the
# directory is not theirs): msync by default, and the pool works
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
	[ "$DEFAULT" = "$JOURNAL" ]; then
	mkdir "$DISK/ro" && chmod 711 "$DISK" && chmod 755 "$DISK/ro"
	PMEM_IS_PMEM_FORCE=0 new_pool "$DISK/ro/p.pool"
	# closed clean: its journal holds nothing
	PMEM_IS_PMEM_FORCE=0 "$PF" chmod "$DISK/ro/p.pool" 0777 / >/dev/null
	rm "$DISK/ro/p.pool.journal" && chmod 666 "$DISK/ro/p.pool"
	as_nobody() {
		PMEM_IS_PMEM_FORCE=0 setpriv --reuid=65534 --regid=65534 \
			--clear-groups "$@"
	}
	expect_run 0 "$DISK/ro/p.pool: $MSYNC" "" \
		as_nobody "$PF" durability "$DISK/ro/p.pool"
	expect_run 0 "" "" as_nobody "$PF" put "$DISK/ro/p.pool" "$DISK/in" /u
	expect "no journal made" "$(ls "$DISK/ro" 2>&1)" p.pool
	expect "a file put by a user who cannot make the journal" \
		"$(PMEM_IS_PMEM_FORCE=0 "$PF" cat "$DISK/ro/p.pool" /u)" kept
	chmod 700 "$DISK"
fi

# the journal made by an open takes the pool file's owner, group and
# permissions, whatever the umask
if [ "$DEFAULT" = "$JOURNAL" ]; then
	PMEM_IS_PMEM_FORCE=0 new_pool "$DISK/m.pool"
	rm "$DISK/m.pool.journal" && chmod 664 "$DISK/m.pool"
	[ "$(id -u)" = 0 ] && chown 65534:65534 "$DISK/m.pool"
	(umask 077 && PMEM_IS_PMEM_FORCE=0 "$PF" info "$DISK/m.pool" >/dev/null)
	expect "the journal's owner and permissions" \
		"$(stat -c '%u:%g %a' "$DISK/m.pool.journal")" \
		"$(stat -c '%u:%g %a' "$DISK/m.pool")"
fi

# the choice: journal, the files there, msync again, the files there;
# refused for a pool in use, another mode, a pool on tmpfs, no pool
PMEM_IS_PMEM_FORCE=0 expect_run 0 "$DISK/p.pool: $JOURNAL" "" \
	"$PF" durability "$DISK/p.pool" journal
expect_run 0 "$DISK/p.pool: $JOURNAL" "" "$PF" durability "$DISK/p.pool"
if "$PF" put "$DISK/p.pool" "$DISK/in" /f 2>"$DISK/err"; then
	expect "a file put in journal mode" "$("$PF" cat "$DISK/p.pool" /f)" kept
	PMEM_IS_PMEM_FORCE=1 run "$PF" info "$DISK/p.pool"
	expect "info of a pool in journal mode" "$(durability)" "$JOURNAL"
elif grep -q "Linux 6.7" "$DISK/err"; then
	echo "journal mode is not available here: $(cat "$DISK/err")"
else
	expect "put in journal mode" "$(cat "$DISK/err")" ""
fi
PMEM_IS_PMEM_FORCE=0 "$PF" run "$DISK/p.pool" sh -c \
	'cd /mnt/pmemfile && touch "$1" && sleep 3' sh "$DISK/held" &
held=$!
i=0
while [ ! -e "$DISK/held" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
PMEM_IS_PMEM_FORCE=0 expect_run 1 "" \
	"pmemfile durability: $DISK/p.pool: the pool is in use" \
	"$PF" durability "$DISK/p.pool" msync
wait $held
PMEM_IS_PMEM_FORCE=0 expect_run 0 "$DISK/p.pool: $MSYNC" "" \
	"$PF" durability "$DISK/p.pool" msync
if [ -s "$DISK/in" ] && ! grep -q "Linux 6.7" "$DISK/err"; then
	expect "the file, back in msync mode" \
		"$("$PF" cat "$DISK/p.pool" /f)" kept
fi
expect_run 2 "" \
	"pmemfile durability: no durability mode 'fast' (journal or msync)" \
	"$PF" durability "$DISK/p.pool" fast
expect_run 2 "" \
	"pmemfile durability: $SHM/p.pool: the pool file is in memory (tmpfs): gone at a reboot: its durability is not a choice" \
	"$PF" durability "$SHM/p.pool" journal
expect_run 1 "" \
	"pmemfile durability: $DISK/none: No such file or directory" \
	"$PF" durability "$DISK/none" journal

# mkfs -j: a new pool in journal mode; refused on tmpfs, the pool made
run "$MKFS" -j "$DISK/j.pool" 16M
expect "status of mkfs -j" "$rc" 0
expect "last line of mkfs -j" "$(printf '%s\n' "$out" | tail -n 1)" \
	"durability: journal"
expect_run 0 "$DISK/j.pool: $JOURNAL" "" "$PF" durability "$DISK/j.pool"
expect_run 1 "" \
	"mkfs.pmemfile: $SHM/j.pool: the pool was created but not in journal mode: $SHM/j.pool: the pool file is in memory (tmpfs): gone at a reboot: its durability is not a choice" \
	"$MKFS" -j "$SHM/j.pool" 16M

# run: one line first on standard error with -v, none without (not a
# terminal here); the program's own output unchanged
PMEM_IS_PMEM_FORCE=0 expect_run 0 "x" \
	"pmemfile run: $DISK/p.pool at /mnt/pmemfile, durability $MSYNC" \
	"$PF" run -v "$DISK/p.pool" echo x
expect_run 0 "x" "" "$PF" run "$SHM/p.pool" echo x
expect_run 0 "x" \
	"pmemfile run: $SHM/p.pool at /mnt/pf, durability $VOLATILE" \
	"$PF" run --verbose -m /mnt/pf "$SHM/p.pool" echo x
finish
