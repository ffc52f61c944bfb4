# The preload shim's own tests: each routed family of calls, run by
# shim_ops on a mount under the shim and on a kernel directory, compared.
TEST_PROGRAMS += $(B)/tests/preload/shim_ops
$(B)/tests/preload/shim_ops: $(B)/tests/preload/shim_ops.o
	$(CC) $(LDFLAGS) -o $@ $^
LINT_SOURCES += tests/preload/shim_ops.c

SHIM_TESTS :=
$(foreach t,$(SHIM_TESTS),$(eval $(call sh_test,tests/preload/$(t))))
