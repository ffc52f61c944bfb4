# Benchmarks: each component may keep its part in its own utils/bench/<name>.mk
# (included below) or in a block of this file.
-include $(filter-out utils/bench/module.mk,$(sort $(wildcard utils/bench/*.mk)))
