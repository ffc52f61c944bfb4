# multi_locks.py FILE: flock, POSIX record locks and OFD locks on FILE
# between this process and two others it starts (each a separate program
# driven through a pipe); prints what each call gave. See multi_locks.sh.
import errno
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys

F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW = 36, 37, 38
TYPES = {"R": fcntl.F_RDLCK, "W": fcntl.F_WRLCK, "U": fcntl.F_UNLCK}
NAMES = {v: k for k, v in TYPES.items()}


def flock_struct(kind, start, length):
    return struct.pack("hhqqi4x", TYPES[kind], os.SEEK_SET, start, length, 0)


def lock(fd, cmd, kind, start, length):
    """A record lock call: 'ok', the errno's name, or what GETLK saw."""
    try:
        out = fcntl.fcntl(fd, cmd, flock_struct(kind, start, length))
    except OSError as e:
        return errno.errorcode[e.errno]
    if cmd in (fcntl.F_GETLK, F_OFD_GETLK):
        t, _, s, n, pid = struct.unpack("hhqqi4x", out)
        return "%s %d %d pid=%d" % (NAMES[t], s, n, pid)
    return "ok"


def do_flock(fd, how):
    ops = {"EX": fcntl.LOCK_EX, "SH": fcntl.LOCK_SH, "UN": fcntl.LOCK_UN}
    op = 0
    for word in how.split("|"):
        op |= fcntl.LOCK_NB if word == "NB" else ops[word]
    try:
        fcntl.flock(fd, op)
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]


CMDS = {"SETLK": fcntl.F_SETLK, "SETLKW": fcntl.F_SETLKW,
        "GETLK": fcntl.F_GETLK, "OFD_SETLK": F_OFD_SETLK,
        "OFD_SETLKW": F_OFD_SETLKW, "OFD_GETLK": F_OFD_GETLK}


def serve(path):
    """A helper process: runs the commands read from stdin."""
    fds = {}
    for line in sys.stdin:
        w = line.split()
        if w[0] == "open":
            fds[w[1]] = os.open(path, os.O_RDWR)
            r = "ok"
        elif w[0] == "close":
            os.close(fds.pop(w[1]))
            r = "ok"
        elif w[0] == "flock":
            if "NB" not in w[2] and w[2] != "UN":
                print("blocking", flush=True)
            r = do_flock(fds[w[1]], w[2])
        elif w[0] == "pid":
            r = str(os.getpid())
        else:
            if w[0].endswith("LKW"):
                print("blocking", flush=True)
            r = lock(fds[w[1]], CMDS[w[0]], w[2], int(w[3]), int(w[4]))
        print(r, flush=True)


class Helper:
    def __init__(self, name, path):
        self.name = name
        self.p = subprocess.Popen([sys.executable, __file__, path, "serve"],
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.pid = int(self.call("pid"))

    def send(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()

    def answer(self):
        return self.p.stdout.readline().strip()

    def call(self, cmd):
        self.send(cmd)
        return self.answer()

    def pending(self):
        """Whether an answer is there (without waiting for one)."""
        r, _, _ = select.select([self.p.stdout], [], [], 0)
        return bool(r)


def show(who, what, result):
    print("%-2s %-28s %s" % (who, what, result), flush=True)


def pids(text, who):
    for name, pid in who.items():
        text = text.replace("pid=%d" % pid, "pid=" + name)
    return text


def blocked(b, cmd, release):
    """b blocks on cmd until release() runs here; the order is checked."""
    b.send(cmd)
    assert b.answer() == "blocking"
    # b is now in the call or about to be: it may not get the lock yet
    select.select([b.p.stdout], [], [], 0.3)
    early = b.pending()
    release()
    return ("woke after the release" if not early
            else "got it while it was held: " + b.answer())


def main(path):
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    os.write(fd, b"x" * 200)
    b = Helper("B", path)
    who = {"A": os.getpid(), "B": b.pid}
    show("B", "open 1", b.call("open 1"))

    print("-- flock")
    show("A", "flock EX", do_flock(fd, "EX"))
    show("B", "flock EX|NB", b.call("flock 1 EX|NB"))
    show("B", "flock SH|NB", b.call("flock 1 SH|NB"))
    show("B", "flock EX (blocks)",
         blocked(b, "flock 1 EX", lambda: do_flock(fd, "UN")))
    show("B", "", b.answer())
    show("A", "flock SH|NB", do_flock(fd, "SH|NB"))
    show("B", "flock UN", b.call("flock 1 UN"))
    show("A", "flock SH|NB", do_flock(fd, "SH|NB"))
    show("B", "flock SH|NB", b.call("flock 1 SH|NB"))
    show("B", "flock EX|NB (upgrade)", b.call("flock 1 EX|NB"))
    do_flock(fd, "UN")
    b.call("flock 1 UN")

    print("-- POSIX record locks")
    show("A", "SETLK W 0 100", lock(fd, fcntl.F_SETLK, "W", 0, 100))
    show("B", "GETLK W 50 10", pids(b.call("GETLK 1 W 50 10"), who))
    show("B", "SETLK R 50 10", b.call("SETLK 1 R 50 10"))
    show("B", "SETLK W 100 10", b.call("SETLK 1 W 100 10"))
    show("A", "GETLK W 100 1", pids(lock(fd, fcntl.F_GETLK, "W", 100, 1),
                                     who))
    show("A", "SETLK U 0 50", lock(fd, fcntl.F_SETLK, "U", 0, 50))
    show("B", "SETLK W 0 50", b.call("SETLK 1 W 0 50"))
    show("B", "GETLK W 40 20", pids(b.call("GETLK 1 W 40 20"), who))
    show("B", "SETLKW W 60 5 (blocks)",
         blocked(b, "SETLKW 1 W 60 5",
                 lambda: lock(fd, fcntl.F_SETLK, "U", 50, 50)))
    show("B", "", b.answer())
    show("A", "SETLK R 60 1", lock(fd, fcntl.F_SETLK, "R", 60, 1))
    # closing any descriptor of the file drops the process's locks
    show("B", "open 2", b.call("open 2"))
    show("B", "close 2", b.call("close 2"))
    show("A", "SETLK W 0 200", lock(fd, fcntl.F_SETLK, "W", 0, 200))
    show("A", "SETLK U 0 0", lock(fd, fcntl.F_SETLK, "U", 0, 0))

    print("-- OFD locks")
    fd2 = os.open(path, os.O_RDWR)
    show("A", "OFD_SETLK W 0 10", lock(fd, F_OFD_SETLK, "W", 0, 10))
    show("A", "OFD_SETLK W 5 1 (2nd open)", lock(fd2, F_OFD_SETLK, "W", 5, 1))
    show("A", "OFD_GETLK R 0 1 (2nd open)",
         lock(fd2, F_OFD_GETLK, "R", 0, 1))
    show("B", "OFD_SETLK R 0 1", b.call("OFD_SETLK 1 R 0 1"))
    show("B", "OFD_SETLK W 10 10", b.call("OFD_SETLK 1 W 10 10"))
    show("A", "SETLK W 15 1 (POSIX)", lock(fd, fcntl.F_SETLK, "W", 15, 1))
    show("B", "OFD_SETLKW W 0 1 (blocks)",
         blocked(b, "OFD_SETLKW 1 W 0 1", lambda: os.close(fd)))
    show("B", "", b.answer())
    show("A", "OFD_GETLK W 0 30 (2nd open)",
         pids(lock(fd2, F_OFD_GETLK, "W", 0, 30), who))
    os.close(fd2)
    show("B", "close 1", b.call("close 1"))

    print("-- the locks of a killed process")
    c = Helper("C", path)
    who["C"] = c.pid
    fd = os.open(path, os.O_RDWR)
    show("C", "open 1", c.call("open 1"))
    show("C", "SETLK W 0 10", c.call("SETLK 1 W 0 10"))
    show("C", "flock 1 EX|NB", c.call("flock 1 EX|NB"))
    show("C", "OFD_SETLK W 20 10", c.call("OFD_SETLK 1 W 20 10"))
    show("A", "GETLK W 0 1", pids(lock(fd, fcntl.F_GETLK, "W", 0, 1), who))
    os.kill(c.pid, signal.SIGKILL)
    c.p.wait()
    show("A", "SETLKW W 0 10 (C killed)", lock(fd, fcntl.F_SETLKW, "W", 0, 10))
    show("A", "flock EX (C killed)", do_flock(fd, "EX"))
    show("A", "OFD_SETLKW W 20 10 (C killed)",
         lock(fd, F_OFD_SETLKW, "W", 20, 10))
    show("A", "GETLK W 0 100", pids(lock(fd, fcntl.F_GETLK, "W", 0, 100),
                                     who))
    b.p.stdin.close()
    b.p.wait()
    os.close(fd)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "serve":
        serve(sys.argv[1])
    else:
        main(sys.argv[1])
