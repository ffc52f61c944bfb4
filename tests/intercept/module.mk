# Tests of libsyscall_intercept and of its examples. Each test is its own
# program; the library helper's own tests (core_*) come from core.mk.

TI := tests/intercept
TIB := $(B)/tests/intercept

# $(call ti_program,name,objects,link flags): builds $(TIB)/name from
# $(TI)/name.c and the objects, linked with the library.
define ti_program
TEST_PROGRAMS += $(TIB)/$(1)
$(TIB)/$(1): $(TIB)/$(1).o $(2) $(LIBSYSCALL_INTERCEPT_SO)
	$$(CC) $$(LDFLAGS) -o $$@ $$(filter %.o,$$^) \
		$(LIBSYSCALL_INTERCEPT_SO) $(3) $(RPATH)
endef

# Programs using the counting hook of hook_count.c.
TI_HOOKED := hook_results hook_post threads fork clone_stack vfork spawn exit_group \
	clone_hook_args cancel sigaltstack siglongjmp dlopen_all_objs backtrace \
	dlopen_late \
	mixed_threads \
	signals net_jit
$(foreach t,$(TI_HOOKED),$(eval $(call ti_program,$(t),$(TIB)/hook_count.o,-lpthread)))

# Loaded by dlopen_late with dlopen only: not linked. liblate_top.so needs
# liblate_asm.so, found through its run path.
TEST_PROGRAMS += $(TIB)/liblate_asm.so $(TIB)/liblate_top.so
$(TIB)/liblate_top.so: $(TIB)/late_top.o $(TIB)/liblate_asm.so
	$(CC) $(LDFLAGS) -shared -o $@ $< $(TIB)/liblate_asm.so \
		-Wl,-soname,$(@F) -Wl,-rpath,$(abspath $(TIB))

# Programs with syscall sites of their own, in a shared object of assembly.
TI_ASM_RPATH := -Wl,-rpath,$(abspath $(TIB))
$(eval $(call ti_program,regs_preserve,$(TIB)/hook_count.o $(TIB)/libregs_asm.so,$(TIB)/libregs_asm.so $(TI_ASM_RPATH)))
$(eval $(call ti_program,tricky_sites,$(TIB)/hook_count.o $(TIB)/libsites_asm.so,$(TIB)/libsites_asm.so $(TI_ASM_RPATH)))
$(eval $(call ti_program,vector_regs,$(TIB)/hook_count.o $(TIB)/libvector_asm.so,$(TIB)/libvector_asm.so $(TI_ASM_RPATH)))

$(eval $(call ti_program,clone_raw,$(TIB)/hook_count.o $(TIB)/libclone_asm.so,$(TIB)/libclone_asm.so $(TI_ASM_RPATH)))

# Written for the clone hooks of the discontinued library; built as C (with
# the -Werror of every build) and as C++.
$(eval $(call ti_program,clone_hooks_old,,-lpthread))
TEST_PROGRAMS += $(TIB)/clone_hooks_old_cxx
$(TIB)/clone_hooks_old_cxx: $(TI)/clone_hooks_old.c $(LIBSYSCALL_INTERCEPT_SO)
	$(CXX) $(OPTFLAGS) -x c++ -std=gnu++17 -Iinclude -Wall -Wextra -Werror \
		$(LDFLAGS) -o $@ $< -x none $(LIBSYSCALL_INTERCEPT_SO) \
		-lpthread $(RPATH)

# Makes fixed calls and prints their classic log lines, for log_classic.sh.
$(eval $(call ti_program,log_classic_prog,,-ldl))

TI_ASM_LIBS := $(TIB)/libregs_asm.so $(TIB)/libsites_asm.so \
	$(TIB)/libvector_asm.so $(TIB)/libclone_asm.so $(TIB)/liblate_asm.so
$(TI_ASM_LIBS): $(TIB)/lib%_asm.so: $(TIB)/%_asm.o
	$(CC) $(LDFLAGS) -shared -o $@ $< -Wl,-soname,$(@F) -Wl,-z,noexecstack

# The hook the shell tests preload.
TEST_PROGRAMS += $(TIB)/hook_preload.so
$(TIB)/hook_preload.so: $(TIB)/hook_preload.o $(LIBSYSCALL_INTERCEPT_SO)
	$(CC) $(LDFLAGS) -shared -o $@ $< $(LIBSYSCALL_INTERCEPT_SO) $(RPATH)

# The same hook with the static archive linked in, for archive.sh.
TEST_PROGRAMS += $(TIB)/hook_archive.so
$(TIB)/hook_archive.so: $(TIB)/hook_preload.o $(LIBSYSCALL_INTERCEPT_A)
	$(CC) $(LDFLAGS) -shared -o $@ $^ $(CAPSTONE_LIBS)

# Takes the place of libc's trampolines before the archive's constructor,
# for core_text_image.sh.
TEST_PROGRAMS += $(TIB)/area_blocker.so
$(TIB)/area_blocker.so: $(TIB)/area_blocker.o
	$(CC) $(LDFLAGS) -shared -o $@ $<

# A plain program (no library) for strace_compare.sh.
TEST_PROGRAMS += $(TIB)/small_prog
$(TIB)/small_prog: $(TIB)/small_prog.o
	$(CC) $(LDFLAGS) -o $@ $<

# Prints the heap malloc holds as main starts, for core_text_image_malloc.sh.
TEST_PROGRAMS += $(TIB)/heap_used
$(TIB)/heap_used: $(TIB)/heap_used.o
	$(CC) $(LDFLAGS) -o $@ $<

# A program with no C library, for no_libc.sh (named apart from the test:
# the runner would run a program named like the test instead of its script).
TEST_PROGRAMS += $(TIB)/no_libc_prog
$(TIB)/no_libc_prog: $(TIB)/no_libc_asm.o
	$(CC) $(LDFLAGS) -nostdlib -pie -Wl,-z,noexecstack -o $@ $<

LINT_SOURCES += $(wildcard $(TI)/*.c $(TI)/*.h)

# The tests (each registered once the library passed it).
TI_TESTS := hook_results hook_post regs_preserve threads fork clone_stack vfork spawn \
	exit_group signals exec log cmdline_filter strace_compare \
	example_logger example_getdents real_ls real_sh real_python3 \
	real_tar real_gcc real_sqlite3 real_git no_libc log_sites sigaltstack \
	archive tricky_sites logger_programs siglongjmp dlopen_all_objs \
	backtrace vector_regs cancel log_threads clone_raw clone_hook_args \
	log_exit_group log_fd mixed_threads clone_hooks_old \
	clone_hooks_old_cxx log_classic dlopen_late net_jit net_log net_sites
TESTS += $(addprefix $(TI)/,$(TI_TESTS))

-include $(TI)/core.mk
