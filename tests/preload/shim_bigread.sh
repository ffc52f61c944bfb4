#!/bin/sh
# shim_bigread: big reads in a fresh process (the first read of each 64 KiB
# chunk of the pool goes through the library's own descriptor of the pool
# file) give the bytes written, at every block size, read once or twice in
# one process, after the program closed every descriptor above 2, and after
# it put another file at the number of the library's descriptor (after a
# read through it too: the check of that descriptor does not outlive the
# dup2). A client's writes through its descriptor of the pool file go to
# the mount's file after the same, never into the file put at that number.
. "$TEST_TOP/tests/preload/shim_lib.sh"
SHIM_POOL_MIB=128 shim_init

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || {
	echo "python3 is not installed"
	exit 77
}

REF=$WORK/ref.dat
head -c 20000000 /dev/urandom >"$REF" || shim_fail "cannot make $REF"
pf cp "$REF" "$MNT/big" || shim_fail "cp into the mount failed"

for bs in 1M 65536 100000 4096 3M; do
	pf dd if="$MNT/big" of="$WORK/back" bs=$bs status=none ||
		shim_fail "dd bs=$bs out of the mount failed"
	cmp "$REF" "$WORK/back" ||
		shim_fail "dd bs=$bs read other bytes than were written"
done

pf cat "$MNT/big" "$MNT/big" >"$WORK/back2" || shim_fail "cat twice failed"
cat "$REF" "$REF" | cmp - "$WORK/back2" ||
	shim_fail "the file read twice in one process differs"

cat >"$WORK/fds.py" <<'PYEOF'
import os, sys

mnt, pool, ref, other = sys.argv[1:5]
want = open(ref, "rb").read()

def pool_fds():
    return [int(n) for n in os.listdir("/proc/self/fd")
            if os.path.realpath("/proc/self/fd/" + n) == os.path.realpath(pool)]

def read_all(path):
    fd = os.open(path, os.O_RDONLY)
    parts = []
    while True:
        b = os.read(fd, 1 << 20)
        if not b:
            break
        parts.append(b)
    os.close(fd)
    return b"".join(parts)

# a first read opens the pool; its descriptor is then in /proc/self/fd
os.stat(mnt + "/big")
fds = pool_fds()
if not fds:
    sys.exit("FAIL: no descriptor of the pool file in the process")
# read through them once, so that they were checked before the dup2
if read_all(mnt + "/big") != want:
    sys.exit("FAIL: first read differs")
# another file at the library's numbers: its bytes must not be read
ofd = os.open(other, os.O_RDONLY)
for fd in fds:
    os.dup2(ofd, fd)
if read_all(mnt + "/big") != want:
    sys.exit("FAIL: read after dup2 onto the pool descriptor differs")
os.closerange(3, 1 << 20)
if read_all(mnt + "/big") != want:
    sys.exit("FAIL: read after closerange differs")
print("ok")
PYEOF
head -c 20000000 /dev/zero >"$WORK/other"
out=$(pf "$PY" "$WORK/fds.py" "$MNT" "$POOL" "$REF" "$WORK/other") ||
	shim_fail "${out:-python3 failed}"
[ "$out" = ok ] || shim_fail "python3 printed: $out"

# A client (another process holds the pool) writes 64 KiB pieces through
# its own descriptor of the pool file (from the lease its second write
# asks for: a process that has not mapped the pool gets none with a
# writer's open); then the program puts a file of its own at that number
# and writes again.
cat >"$WORK/client.py" <<'PYEOF'
import os, sys

mnt, pool, other = sys.argv[1:4]
piece = bytes(range(256)) * 256
fd = os.open(mnt + "/cw", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
for i in range(2):
    if os.write(fd, piece) != len(piece):
        sys.exit("FAIL: write before the dup2")
lib = [int(n) for n in os.listdir("/proc/self/fd")
       if os.path.realpath("/proc/self/fd/" + n) == os.path.realpath(pool)]
if not lib:
    sys.exit("FAIL: the client has no descriptor of the pool file")
ofd = os.open(other, os.O_RDWR)
for n in lib:
    os.dup2(ofd, n)
for i in range(3):
    if os.write(fd, piece) != len(piece):
        sys.exit("FAIL: write after dup2")
os.close(fd)
print("ok")
PYEOF
head -c 1000000 /dev/zero >"$WORK/other2"
pf sh -c 'exec 3<"$1"; sleep 30' sh "$MNT/big" &
holder=$!
sleep 1
out=$(pf "$PY" "$WORK/client.py" "$MNT" "$POOL" "$WORK/other2") ||
	shim_fail "${out:-the client failed}"
[ "$out" = ok ] || shim_fail "the client printed: $out"
kill $holder
wait $holder 2>/dev/null
head -c 1000000 /dev/zero | cmp - "$WORK/other2" ||
	shim_fail "a client's write went into the file put at its descriptor"
"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 256 * 5)' \
	>"$WORK/cw.ref"
pf cat "$MNT/cw" | cmp - "$WORK/cw.ref" ||
	shim_fail "the client's writes after the dup2 are not in the file"
echo "big reads gave the bytes written"
