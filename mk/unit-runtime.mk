# SPDX-License-Identifier: MIT
# Host unit tests of the runtime blob (tests/unit/test_runtime_*.c), which unit.mk builds and runs.
# The variable and RTC tests compile their runtime/ module in themselves (#include), with port I/O
# from the test (runtime/port_io.h), so they need no rule here. The relocation test loads the real
# wrapped blob: this makes it depend on it and tells it where it is. Include after unit.mk and
# runtime.mk.

# Not linked (only .o prerequisites are): read by the test at run time.
$(UNIT_DIR)/test_runtime_relocation: $(BUILD)/runtime.bin
$(BUILD)/host/tests/unit/test_runtime_relocation.o: \
	HOST_CFLAGS += -DRUNTIME_BIN_PATH='"$(abspath $(BUILD)/runtime.bin)"'
