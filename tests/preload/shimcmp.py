# shimcmp.py: what the shim's python tests print, so that a run on a
# kernel directory and one on a mount compare line by line: each value
# with the test's root written ROOT, each OSError as its errno's name.
import errno

root = None


def show(what, value):
    print(what + ":", str(value).replace(root, "ROOT"))


def attempt(what, fn):
    try:
        show(what, fn())
    except OSError as e:
        show(what, errno.errorcode[e.errno])
