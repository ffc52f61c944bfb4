#!/bin/sh
# What a client (a process started by the shell that holds the pool) does
# with a single round trip or none: it takes its working directory in the
# mount as it is, opens a file without looking at the last component first
# (the open itself refuses a symlink there, then the walk follows it: to a
# file of the pool, to another name in the mount, out to a kernel file, a
# dangling one that creates its target, a loop), and closes a file it read
# without waiting for the holder. Checked against the same script on a
# kernel directory (also through directories on the way that are symlinks,
# which the open refuses before the walk looks at them): the bytes read
# and written, the errors, the status flags (F_GETFL), a description
# closed and received again at once over a socket (SCM_RIGHTS), a fork
# right after a close; holders that end right after a child of theirs
# closed a file, 40 times; and holders that end (exit, _exit) while a
# child of theirs still writes.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
command -v bash >/dev/null || prog_skip "bash is not installed"
prog_init 64

cat >"$WORK/client.py" <<'PY'
import fcntl, os, socket, sys

os.chdir(sys.argv[1])
out = sys.stdout
# the status flags of a description the shim opened with the last
# component unchecked: O_NOFOLLOW is not among them
for name, flags in (("f", os.O_RDONLY), ("lrel", os.O_RDONLY),
                    ("f", os.O_RDWR | os.O_APPEND), ("f", os.O_RDONLY |
                    os.O_NOFOLLOW)):
    fd = os.open(name, flags)
    out.write("%s %o: F_GETFL %o\n" % (name, flags,
              fcntl.fcntl(fd, fcntl.F_GETFL) & ~0o100000))
    os.close(fd)
# closed, then received again at once, 300 times: each read sees the file
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
with open("f", "rb") as f:
    expected = f.read()
good = 0
for i in range(300):
    fd = os.open("f", os.O_RDONLY)
    socket.send_fds(a, [b"x"], [fd])
    os.close(fd)
    msg, fds, flags, addr = socket.recv_fds(b, 1, 1)
    if os.pread(fds[0], 100, 0) == expected:
        good += 1
    os.close(fds[0])
out.write("received and read: %d of 300\n" % good)
# a fork right after a close: the child has only what the parent has
for i in range(20):
    fd = os.open("f", os.O_RDONLY)
    os.read(fd, 10)
    os.close(fd)
    pid = os.fork()
    if pid == 0:
        fd = os.open("g%d" % i, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.write(fd, b"child %d\n" % i)
        os.close(fd)
        os._exit(0)
    os.waitpid(pid, 0)
out.write("g19: %s" % open("g19").read())
out.flush()
PY

cat >"$WORK/script.sh" <<'SCRIPT'
cd "$1" || exit 1
echo one >f
mkdir d
echo two >d/e
ln -s f lrel
ln -s d/e ldir
ln -s "$1/d/e" labs
ln -s "$2/outside" lout
ln -s missing ldang
ln -s loop1 loop2
ln -s loop2 loop1
ln -s d ltodir
for l in f lrel ldir labs lout ldang loop1 ltodir ltodir/e d/e; do
	cat "$l" >/dev/null 2>&1
	echo "cat $l: $? $(cat "$l" 2>&1 | head -c 40)"
done
sh -c 'echo created >ldang'
cat missing
sh -c 'echo more >>lrel'
cat f
sh -c 'cd d && cat e ../f'
(cd d && sh -c 'cat e; echo x >new; cat new')
cat d/new
python3 "$3" "$1"
ls
# directories on the way that are symlinks (the open refuses them, then
# the walk follows them): to a directory, out of the mount, through
# "..", a loop; opened and created (O_EXCL, as tar x creates)
mkdir -p w/real/sub w/other
echo r >w/real/sub/f
echo o >w/other/f
ln -s real w/lr
ln -s real/sub w/lrs
ln -s "$2/outdir" w/lo
ln -s lp2 w/lp1
ln -s lp1 w/lp2
for p in lr/sub/f lrs/f lo/x lr/../other/f lrs/../f lrs/../../other/f \
	lp1/f nosuch/f real/sub/f/x; do
	cat "w/$p" >/dev/null 2>&1
	echo "cat w/$p: $? $(cat "w/$p" 2>&1 | head -c 40)"
done
python3 -c '
import os
for p in ["lr/sub/n1", "lrs/n2", "lo/n3", "lr/../other/n4", "lp1/n5",
          "lr/sub/f", "nosuch/n6"]:
    try:
        fd = os.open("w/" + p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, p.encode())
        os.close(fd)
        print(p, "created")
    except OSError as e:
        print(p, e.strerror)
'
ls w/real/sub w/other
cat w/real/sub/n1 w/lo/n3
echo
rm -f "$2/outdir/n3"
SCRIPT

echo "a file outside" >"$WORK/outside"
mkdir "$WORK/outdir"
echo "x outside" >"$WORK/outdir/x"

# A holder that ends right after its child's close was posted: the next
# holder (the cat) must not serve that release on the description the
# first one took with it (it crashed in its keeper, 2 rounds in 5).
handover()
{
	i=0
	while [ $i -lt 40 ]; do
		i=$((i + 1))
		$R bash -c "true; /bin/echo round $i >'$D/b'"
		$R cat "$D/b"
	done
}

# A holder that leaves (by exit, then by _exit) while its child still has
# a file of the pool open: the pool stays with a copy of the holder, and
# the child's writes after the holder's end go to it.
exitcopy()
{
	for how in exit _exit; do
		$R python3 - "$D/x-$how" "$how" <<'PY'
import os, subprocess, sys
path, how = sys.argv[1], sys.argv[2]
log = open(path, "a")
log.write("holder %s\n" % how)
log.flush()
r, w = os.pipe()
ready_r, ready_w = os.pipe()
subprocess.Popen(["sh", "-c", 'exec 3>>"$1"; echo ready >&"$2"; read x;'
                  ' echo child >&3; cat "$1" >"$1.seen"', "sh", path,
                  str(ready_w)], stdin=r, pass_fds=(ready_w,))
os.close(r)
os.close(ready_w)
os.read(ready_r, 16)
if how == "_exit":
    os._exit(0)
sys.exit(0)
PY
		n=0
		while ! $R test -s "$D/x-$how.seen" && [ $n -lt 400 ]; do
			sleep 0.05
			n=$((n + 1))
		done
		$R cat "$D/x-$how.seen"
	done
}

workload()
{
	x sh "$WORK/script.sh" "$D" "$WORK" "$WORK/client.py"
	handover 2>&1
	echo "[exit $?] handover"
	exitcopy 2>&1
	echo "[exit $?] exitcopy"
}

prog_both client workload
