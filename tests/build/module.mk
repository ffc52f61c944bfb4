# Tests of the build and of the test runner itself.
$(eval $(call sh_test,tests/build/runner_counts))
$(eval $(call sh_test,tests/build/headers_standalone))
$(eval $(call sh_test,tests/build/no_exec_stack))
