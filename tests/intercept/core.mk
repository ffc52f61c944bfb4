# The library's own tests of its core (patcher, decoder, build products),
# included by tests/intercept/module.mk.

TIC := tests/intercept
TICB := $(B)/tests/intercept

# The decoder against capstone, on the code of every loaded object.
$(eval $(call c_test,$(TIC)/core_insn_decode,$(B)/intercept/insn_decode.o \
	$(B)/intercept/function_bounds.o,$(CAPSTONE_LIBS) -ldl))

# Far branch targets and unpatchable sites, in an object of assembly.
TIC_RPATH := -Wl,-rpath,$(abspath $(TICB))
$(eval $(call c_test,$(TIC)/core_sites,$(TICB)/libcore_sites.so \
	$(LIBSYSCALL_INTERCEPT_SO),$(TICB)/libcore_sites.so \
	$(LIBSYSCALL_INTERCEPT_SO) -ldl $(TIC_RPATH)))
$(TICB)/libcore_sites.so: $(TICB)/core_sites_asm.o
	$(CC) $(LDFLAGS) -shared -o $@ $< -Wl,-soname,$(@F) -Wl,-z,noexecstack

# A failed mprotect while patching (the objects, syscall_no_intercept
# wrapped by the link).
TESTS += $(TIC)/core_apply_fail
TEST_PROGRAMS += $(TICB)/core_apply_fail
$(TICB)/core_apply_fail: $(TICB)/core_apply_fail.o $(INTERCEPT_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ -Wl,--wrap=syscall_no_intercept -ldl

LINT_SOURCES += $(TIC)/core_insn_decode.c $(TIC)/core_sites.c \
	$(TIC)/core_apply_fail.c

# What the build and make install produce.
$(eval $(call sh_test,$(TIC)/core_products))

# The plan cache.
$(eval $(call sh_test,$(TIC)/core_plan_cache))

# Text images: patched text mapped from the cache, and when it is refused.
$(eval $(call sh_test,$(TIC)/core_text_image))
$(eval $(call sh_test,$(TIC)/core_text_image_noexec))
# ... and, with no log, mapped with no malloc of the interceptor's.
$(eval $(call sh_test,$(TIC)/core_text_image_malloc))

# What INTERCEPT_LOG lines show.
$(eval $(call sh_test,$(TIC)/core_log_format))

# Loaded by dlopen into a process that has threads: inert.
$(eval $(call c_test,$(TIC)/core_late_load,,-ldl -lpthread))

# A program (not position-independent) linked with the archive.
$(eval $(call c_test,$(TIC)/core_archive_program,$(LIBSYSCALL_INTERCEPT_A),-no-pie))
