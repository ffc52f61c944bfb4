# shim_renamedir.py ROOT: a directory descriptor and the current directory
# follow their directory through a rename of it or of its parent, and fail
# with ENOENT once it is removed, as in the kernel. Prints what it sees,
# ROOT standing for the root given.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shimcmp  # noqa: E402
from shimcmp import attempt, show  # noqa: E402

root = sys.argv[1]
shimcmp.root = root


def create(name, dir_fd=None):
    fd = os.open(name, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=dir_fd)
    os.write(fd, name.encode() + b"\n")
    os.close(fd)
    return "made"


os.makedirs(root + "/a/b")
fd = os.open(root + "/a/b", os.O_RDONLY | os.O_DIRECTORY)
os.chdir(root + "/a/b")
os.rename(root + "/a", root + "/c")
show("create through the descriptor", create("f", dir_fd=fd))
show("create in the cwd", create("g"))
show("c/b holds", sorted(os.listdir(root + "/c/b")))
show("getcwd", os.getcwd())
show("/proc/self/fd", os.readlink("/proc/self/fd/%d" % fd))
show("stat through the descriptor", os.stat("f", dir_fd=fd).st_size)

# a new directory at the old name is another directory
os.makedirs(root + "/a/b")
show("create through the descriptor", create("h", dir_fd=fd))
show("create in the cwd", create("i"))
show("c/b holds", sorted(os.listdir(root + "/c/b")))
show("a/b holds", sorted(os.listdir(root + "/a/b")))

# the descriptor's directory renamed itself, then entered with fchdir
os.chdir(root)
os.rename(root + "/c/b", root + "/d")
os.fchdir(fd)
show("getcwd after fchdir", os.getcwd())
show("listdir of .", sorted(os.listdir(".")))

# removed: the names inside are gone with it
for name in os.listdir(root + "/d"):
    os.unlink(root + "/d/" + name)
os.rmdir(root + "/d")
os.mkdir(root + "/d")
attempt("create through the descriptor", lambda: create("j", dir_fd=fd))
attempt("create in the cwd", lambda: create("k"))
attempt("getcwd", os.getcwd)
show("d holds", sorted(os.listdir(root + "/d")))
