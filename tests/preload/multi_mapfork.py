# multi_mapfork.py ROOT: shared maps of files in ROOT across fork, as the
# kernel shares a file's pages: a process that maps a file and forks (the
# process holding the pool, then a client of it) and its child see each
# other's stores through their maps, the child's own map and write(); the
# map the child inherited works, and unmapping it leaves the parent's.
import mmap
import os
import sys

root = sys.argv[1]
SIZE = 3 * 4096


def child_of(m, fd, path, tag):
    """Forks a child that reads the parent's store and answers; returns
    what the parent then sees."""
    r, w = os.pipe()
    r2, w2 = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(w)
        os.close(r2)
        os.read(r, 1)
        seen = bytes(m[100:108])  # the inherited map
        fd2 = os.open(path, os.O_RDWR)
        m2 = mmap.mmap(fd2, SIZE, mmap.MAP_SHARED)
        seen2 = bytes(m2[100:108])  # a map of its own
        m[4096:4104] = (tag + "-inh").encode()[:8].ljust(8, b".")
        m2[8192:8200] = (tag + "-own").encode()[:8].ljust(8, b".")
        os.pwrite(fd2, (tag + "-wr").encode()[:8].ljust(8, b"."), 200)
        m.close()  # its copy of the parent's map goes; the parent's stays
        m2.close()
        os.close(fd2)
        os.write(w2, seen + seen2)
        os._exit(0)
    os.close(r)
    os.close(w2)
    m[100:108] = (tag + "-par").encode()[:8].ljust(8, b".")
    os.write(w, b"x")
    got = os.read(r2, 16)
    _, st = os.waitpid(pid, 0)
    os.close(w)
    os.close(r2)
    print(tag, "child exit", st >> 8, "child saw", got[:8], got[8:])
    print(tag, "parent sees", bytes(m[4096:4104]), bytes(m[8192:8200]),
          bytes(m[200:208]), "read()", os.pread(fd, 8, 8192))


def maps_and_forks(tag):
    path = os.path.join(root, tag)
    with open(path, "wb") as f:
        f.write(b"\0" * SIZE)
    fd = os.open(path, os.O_RDWR)
    m = mmap.mmap(fd, SIZE, mmap.MAP_SHARED)
    child_of(m, fd, path, tag)
    # the map is still the file's after the child unmapped its copy
    m[0:4] = b"LAST"
    m.flush()
    print(tag, "after", os.pread(fd, 4, 0), bytes(m[100:108]))
    # a child that execs with the map inherited (exec drops it)
    pid = os.fork()
    if pid == 0:
        os.execvp("head", ["head", "-c", "4", path])
    _, st = os.waitpid(pid, 0)
    print("", tag, "exec exit", st >> 8)
    m.close()
    os.close(fd)


# the first process holds the pool (it made the first call)
hold = os.open(os.path.join(root, "hold"), os.O_CREAT | os.O_RDWR, 0o644)
maps_and_forks("holder")
# a child of the holder is its client: the same from there
pid = os.fork()
if pid == 0:
    maps_and_forks("client")
    os._exit(0)
_, st = os.waitpid(pid, 0)
print("client exit", st >> 8)
os.close(hold)
