// The BPF compiler and the C++ compiler must agree on every record layout;
// these pin the sizes and offsets decode/ and bpf/ rely on. A failure here
// means abi/process_events.h changed: bump PICKET_ABI_VERSION and update.
#include <gtest/gtest.h>

#include <cstddef>

extern "C" {
#include "abi/process_events.h"
}

static_assert(sizeof(picket_event_header) == 24);
static_assert(offsetof(picket_event_header, size) == 8);
static_assert(offsetof(picket_event_header, kind) == 12);
static_assert(offsetof(picket_event_header, abi_version) == 14);
static_assert(offsetof(picket_event_header, pid) == 16);
static_assert(sizeof(picket_fork_event) == 56);
static_assert(sizeof(picket_exit_event) == 40);
static_assert(sizeof(picket_blob_ref) == 4);
static_assert(offsetof(picket_exec_event, ppid) == 88);
static_assert(offsetof(picket_exec_event, path_depth) == 176);
static_assert(offsetof(picket_exec_event, comm) == 184);
static_assert(offsetof(picket_exec_event, fields) == 248);
static_assert(sizeof(picket_exec_event) == 280);
static_assert(alignof(picket_exec_event) == 8);
// The per-CPU scratch value (record + blob) must stay under the kernel's
// 32 KiB per-CPU allocation limit.
static_assert(sizeof(picket_exec_event) + PICKET_BLOB_CAPACITY <= 32768);
// Blob offsets are u16 and masks need powers of two.
static_assert(PICKET_BLOB_CAPACITY <= 65535);
static_assert((PICKET_BLOB_LIMIT & (PICKET_BLOB_LIMIT - 1)) == 0);
static_assert((PICKET_FIELD_CAP_MAX & (PICKET_FIELD_CAP_MAX - 1)) == 0);

TEST(AbiLayoutTest, ExecFieldTableFitsItsReservedSlots) {
  EXPECT_LE(PICKET_EXEC_FIELD_CGROUP + 1, PICKET_EXEC_FIELD_COUNT);
}
