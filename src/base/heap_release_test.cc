#include "base/heap_release.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace picket {
namespace {

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

TEST(HeapReleaseTest, FreedSmallBlocksLeaveResidentMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator keeps freed memory in quarantine";
#else
  // 48 MiB in 1 KiB blocks: below every allocator's large-object threshold, so
  // freeing them does not unmap anything by itself. The last block stays alive
  // so that glibc cannot trim the top of its heap on free().
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

  ReleaseFreeHeapToSystem();

  const long after = RssAnonKib();
  // At least half of what was freed goes back (the rest may be metadata or
  // pages shared with live blocks).
  EXPECT_LE(after, before - 24 * 1024) << "RssAnon " << before << " KiB -> " << after << " KiB";
  std::free(pinned);
#endif
}

}  // namespace
}  // namespace picket
