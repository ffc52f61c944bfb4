# The library's own tests of its internals (core_*).
