#include "base/heap_release.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

// Built twice: as base_heap_release_test (glibc malloc) and, when the agent
// links tcmalloc (PICKET_TCMALLOC), as base_heap_release_tcmalloc_test linked
// with it, so both allocators' paths are exercised.

// gperftools' C API, weak as in heap_release.cc: non-null only in the
// tcmalloc-linked build of this test.
extern "C" int MallocExtension_GetNumericProperty(const char* property, std::size_t* value)
    __attribute__((weak));
extern "C" int MallocExtension_SetNumericProperty(const char* property, std::size_t value)
    __attribute__((weak));

namespace picket {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif

// Anonymous resident memory of this process, in KiB (RssAnon in
// /proc/self/status).
long RssAnonKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssAnon:", 0) == 0) return std::strtol(line.c_str() + 8, nullptr, 10);
  }
  return -1;
}

// Frees 48 MiB of 1 KiB blocks, runs `release`, and checks that at least half
// of it left the process's resident set. 1 KiB is below every allocator's
// large-object threshold, so freeing the blocks unmaps nothing by itself; the
// last block stays alive so that glibc cannot trim the top of its heap on
// free().
void ExpectFreedBlocksReleasedBy(const std::function<void()>& release) {
  if (kAddressSanitizer) {
    GTEST_SKIP() << "AddressSanitizer's allocator keeps freed memory in quarantine";
  }
  constexpr std::size_t kBlock = 1024;
  constexpr std::size_t kBlocks = 48 * 1024;
  std::vector<char*> blocks;
  blocks.reserve(kBlocks);
  for (std::size_t i = 0; i < kBlocks; ++i) {
    char* block = static_cast<char*>(std::malloc(kBlock));
    ASSERT_NE(block, nullptr);
    std::memset(block, 0x5a, kBlock);
    blocks.push_back(block);
  }
  char* pinned = blocks.back();
  blocks.pop_back();
  for (char* block : blocks) std::free(block);
  const long before = RssAnonKib();
  ASSERT_GT(before, 0);

  release();

  const long after = RssAnonKib();
  EXPECT_LE(after, before - 24 * 1024) << "RssAnon " << before << " KiB -> " << after << " KiB";
  std::free(pinned);
}

TEST(HeapReleaseTest, ReleaseFreeHeapToSystemShrinksResidentMemory) {
  ExpectFreedBlocksReleasedBy([] { ReleaseFreeHeapToSystem(); });
}

TEST(HeapReleaseTest, ScopedEagerHeapReleaseReleasesWhenItEnds) {
  ExpectFreedBlocksReleasedBy([] { ScopedEagerHeapRelease scope; });
}

TEST(HeapReleaseTest, ScopesCanFollowEachOther) {
  { ScopedEagerHeapRelease first; }
  ExpectFreedBlocksReleasedBy([] { ScopedEagerHeapRelease second; });
}

TEST(HeapReleaseTest, ScopeRestoresTcmallocsDecommitSetting) {
  if (MallocExtension_GetNumericProperty == nullptr) {
    GTEST_SKIP() << "tcmalloc is not in this process";
  }
  constexpr const char* kProperty = "tcmalloc.aggressive_memory_decommit";
  for (std::size_t previous : {std::size_t{0}, std::size_t{1}}) {
    ASSERT_NE(MallocExtension_SetNumericProperty(kProperty, previous), 0);
    std::size_t value = 99;
    {
      ScopedEagerHeapRelease scope;
      ASSERT_NE(MallocExtension_GetNumericProperty(kProperty, &value), 0);
      EXPECT_EQ(value, 1u) << "inside the scope, previous " << previous;
    }
    ASSERT_NE(MallocExtension_GetNumericProperty(kProperty, &value), 0);
    EXPECT_EQ(value, previous);
  }
  MallocExtension_SetNumericProperty(kProperty, 0);
}

}  // namespace
}  // namespace picket
