# multi_lockintr.py DIR: a blocking flock, F_SETLKW and F_OFD_SETLKW on a
# file in DIR, waiting for a lock another process holds, is ended by a
# signal whose handler does not restart calls (EINTR: the handler runs,
# the call fails), and goes on waiting through one that does (SA_RESTART:
# the lock is taken once the other lets it go). The waiter is once the
# process that opened the pool first (its holder, under the shim) and
# once a process started after it (a client). See multi_lockintr.sh.
import fcntl
import os
import signal
import struct
import sys
import time

F_OFD_SETLKW = 38
HOLD = 0.8  # s the other process keeps its locks


def wrlock(cmd):
    return lambda fd: fcntl.fcntl(fd, cmd, struct.pack(
        "hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 10, 0))


WAITS = [("flock", lambda fd: fcntl.flock(fd, fcntl.LOCK_EX)),
         ("F_SETLKW", wrlock(fcntl.F_SETLKW)),
         ("F_OFD_SETLKW", wrlock(F_OFD_SETLKW))]


def hold(path, kind, ready):
    """Takes the lock of kind, says so, keeps it HOLD s, lets it go."""
    fd = os.open(path, os.O_RDWR)
    if kind == "flock":
        fcntl.flock(fd, fcntl.LOCK_EX)
    else:
        wrlock(fcntl.F_SETLK if kind == "F_SETLKW" else 37)(fd)
    os.write(ready, b"x")
    time.sleep(HOLD)
    os.close(fd)


class Rang(Exception):
    pass


def wait(path, kind, restart):
    """The blocking call under a timer signal 0.2 s on: what happened."""
    calls = []

    def handler(sig, frame):
        calls.append(sig)
        if not restart:
            raise Rang()
    signal.signal(signal.SIGALRM, handler)
    signal.siginterrupt(signal.SIGALRM, not restart)
    fd = os.open(path, os.O_RDWR)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        dict(WAITS)[kind](fd)
        what = "locked after the other let go"
    except Rang:
        what = "interrupted by the handler"
    except OSError as e:
        what = "failed: " + os.strerror(e.errno)
    signal.setitimer(signal.ITIMER_REAL, 0)
    os.close(fd)
    return "%s, handler ran %s" % (what, "once" if len(calls) == 1
                                       else "%d times" % len(calls))


def main(d):
    path = os.path.join(d, "lockintr")
    # this process opens the pool first: under the shim it holds it
    with open(path, "w") as f:
        f.write("0123456789")
    for kind, _ in WAITS:
        for restart in (False, True):
            tag = "%s, %s" % (kind, "SA_RESTART" if restart else "no SA_RESTART")
            # the holder waits, a client holds the lock
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(r)
                hold(path, kind, w)
                os._exit(0)
            os.close(w)
            os.read(r, 1)
            os.close(r)
            print("waiter that opened first, %s: %s" %
                  (tag, wait(path, kind, restart)), flush=True)
            os.waitpid(pid, 0)
            # a client waits, the holder holds the lock
            r, w = os.pipe()
            r2, w2 = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(w)
                os.read(r, 1)
                os.write(w2, wait(path, kind, restart).encode())
                os._exit(0)
            os.close(r)
            os.close(w2)
            hold(path, kind, w)
            os.close(w)
            print("waiter started after, %s: %s" %
                  (tag, os.read(r2, 200).decode()), flush=True)
            os.close(r2)
            os.waitpid(pid, 0)
    os.unlink(path)


if __name__ == "__main__":
    main(sys.argv[1])
