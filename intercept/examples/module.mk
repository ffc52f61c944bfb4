# Examples of hook libraries, built by `make all` into $(LIBOUT):
#   syscall_logger.so    an strace-like logger (SYSCALL_LOGGER_FILE)
#   getdents_refuser.so  makes getdents/getdents64 fail with ENOTSUP
# Included by intercept/module.mk, after LIBSYSCALL_INTERCEPT_SO is set.

EXAMPLES_DIR := $(B)/intercept/examples
EXAMPLES := $(LIBOUT)/syscall_logger.so $(LIBOUT)/getdents_refuser.so
ALL += $(EXAMPLES)
LINT_SOURCES += intercept/examples/syscall_logger.c \
	intercept/examples/getdents_refuser.c

# The names of the system calls, indexed by number, from the C library's
# headers.
$(EXAMPLES_DIR)/syscall_names.h:
	@mkdir -p $(@D)
	echo '#include <sys/syscall.h>' | $(CC) -dM -E - | \
		sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$$/[\2] = "\1",/p' \
		>$@

$(EXAMPLES_DIR)/syscall_logger.o: $(EXAMPLES_DIR)/syscall_names.h
$(EXAMPLES_DIR)/syscall_logger.o: EXTRA_CFLAGS += -I$(EXAMPLES_DIR)

$(EXAMPLES): $(LIBOUT)/%.so: $(EXAMPLES_DIR)/%.o $(LIBSYSCALL_INTERCEPT_SO)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -shared -o $@ $< $(LIBSYSCALL_INTERCEPT_SO) $(RPATH)
