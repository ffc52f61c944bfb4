#!/bin/sh
# shim_special: FIFOs and Unix sockets named in a mount: mkfifo and an open
# from two processes pass data, stat shows the type; a FIFO made with the
# number of one removed while open is a FIFO of its own; bind, connect from
# another process, a second bind (EADDRINUSE), connect after unlink
# (ENOENT), connect to a file that is no socket (ECONNREFUSED), datagrams
# sent to a name in the mount with sendto and sendmsg, and a
# descriptor passed to another process with SCM_RIGHTS (one open file
# description: the offset is shared), as in a kernel directory.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
command -v python3 >/dev/null || shim_fail "python3 is needed"

cat >"$WORK/sock.py" <<'END'
import os, socket, sys
d = sys.argv[1]
p = os.path.join(d, "sock")
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(p)
s.listen(1)
st = os.lstat(p)
print("socket type", oct(st.st_mode & 0o170000))
pid = os.fork()
if pid == 0:
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(p)
    c.sendall(b"from the child")
    c.close()
    os._exit(0)
a, _ = s.accept()
print("received", a.recv(100).decode())
os.waitpid(pid, 0)
for what, path in (("bind again", p), ("connect to a file", os.path.join(d, "plain"))):
    try:
        x = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        (x.bind if what == "bind again" else x.connect)(path)
        print(what, "ok")
    except OSError as e:
        print(what, "errno", e.errno)
os.unlink(p)
try:
    socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(p)
except OSError as e:
    print("connect after unlink errno", e.errno)
# datagrams to a name in the directory: sendto, sendmsg with an address
r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
r.bind(os.path.join(d, "dsock"))
w = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
w.sendto(b"by sendto", os.path.join(d, "dsock"))
w.sendmsg([b"by sendmsg"], [], 0, os.path.join(d, "dsock"))
print("datagrams", r.recv(100).decode(), "and", r.recv(100).decode())
try:
    w.sendto(b"x", os.path.join(d, "plain"))
except OSError as e:
    print("sendto a file that is no socket errno", e.errno)
r.close()
os.unlink(os.path.join(d, "dsock"))
# a descriptor of a file in the directory, passed to another process
a, b = socket.socketpair()
f = os.open(os.path.join(d, "passed"), os.O_CREAT | os.O_RDWR, 0o644)
os.write(f, b"sender;")
pid = os.fork()
if pid == 0:
    a.close()
    msg, fds, _, _ = socket.recv_fds(b, 10, 4)
    print("received", msg.decode(), "at offset", os.lseek(fds[0], 0, os.SEEK_CUR))
    os.write(fds[0], b"receiver;")
    os._exit(0)
b.close()
socket.send_fds(a, [b"a descriptor"], [f])
os.waitpid(pid, 0)
print("sender's offset now", os.lseek(f, 0, os.SEEK_CUR))
os.write(f, b"sender again")
print(open(os.path.join(d, "passed")).read())
END

# A FIFO removed while a process has it open, and new FIFOs made until one
# has its inode number (a pool reuses it; a kernel directory may not):
# what is written into the new one is not read from the old one.
cat >"$WORK/fifo.py" <<'END'
import os, sys
d = sys.argv[1]
p = os.path.join(d, "fa")
os.mkfifo(p)
old = os.open(p, os.O_RDWR | os.O_NONBLOCK)
os.write(old, b"old;")
ino = os.stat(p).st_ino
os.unlink(p)
same = False
for i in range(64):
    q = os.path.join(d, "fb%d" % i)
    os.mkfifo(q)
    if os.stat(q).st_ino == ino:
        same = True
        break
new = os.open(q, os.O_RDWR | os.O_NONBLOCK)
os.write(new, b"new;")
print("the removed FIFO reads", os.read(old, 100))
print("the new FIFO reads", os.read(new, 100))
for i in range(64):
    if os.path.exists(os.path.join(d, "fb%d" % i)):
        os.unlink(os.path.join(d, "fb%d" % i))
with open(sys.argv[2], "w") as f:
    f.write("same\n" if same else "other\n")
END

steps='cd "$1" && umask 022 && mkfifo ff && stat -c "%F %a" ff &&
(echo "through the fifo" >ff &) && cat ff &&
python3 "$2/fifo.py" "$1" "$3" &&
echo plain >plain && python3 "$2/sock.py" "$1" && ls'

sh -c "$steps" sh "$KDIR" "$WORK" "$WORK/same.k" >"$WORK/out.k/run" 2>&1
pf sh -c "$steps" sh "$MNT" "$WORK" "$WORK/same.m" >"$WORK/out.m/run" 2>&1
diff -u "$WORK/out.k/run" "$WORK/out.m/run" ||
	shim_fail "FIFOs and sockets in the mount behave otherwise"
[ "$(cat "$WORK/same.m")" = same ] ||
	shim_fail "no new FIFO in the mount got the removed one's number"
grep -q "received from the child" "$WORK/out.m/run" ||
	shim_fail "no data through the socket: $(cat "$WORK/out.m/run")"

# The runtime directory records its pool; once that pool file is gone, the
# next runtime directory made (another pool's) sweeps it.
run_of()
{
	set -- $(stat -c "%D %i" "$1")
	printf "/dev/shm/pmemfile-run.%s.%x\n" "$1" "$2"
}
run1=$(run_of "$POOL")
[ -d "$run1" ] || shim_fail "no runtime directory $run1 for $POOL"
[ "$(cat "$run1/.pool")" = "$POOL" ] ||
	shim_fail "$run1/.pool says $(cat "$run1/.pool" 2>&1), not $POOL"
POOL2=$WORK/second.pool
shim_mkpool "$POOL2" 64
run2=$(run_of "$POOL2")
rm -f "$POOL"
LD_PRELOAD=$SHIM PMEMFILE_POOLS=$MNT:$POOL2 sh -c \
	'cd "$1" && mkfifo f2 && (echo two >f2 &) && cat f2' sh "$MNT" \
	>"$WORK/second.out" 2>&1
[ "$(cat "$WORK/second.out")" = two ] ||
	shim_fail "the second pool's FIFO: $(cat "$WORK/second.out")"
[ -d "$run2" ] || shim_fail "no runtime directory $run2 for $POOL2"
[ ! -e "$run1" ] || shim_fail "$run1 of the removed pool was not swept"
rm -rf "$run2"
echo "ok: FIFOs and Unix sockets in the mount work as in a kernel directory;" \
	"a runtime directory goes with its pool"
shim_check_mountpoint
