#include "base/heap_release.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

// Built twice: as base_heap_release_test (glibc malloc) and, when the agent
// links tcmalloc (PICKET_TCMALLOC), as base_heap_release_tcmalloc_test linked
// with it, so both allocators' paths are exercised.

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

}  // namespace
}  // namespace picket
