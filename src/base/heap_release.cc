#include "base/heap_release.h"

#include <malloc.h>

#include <cstddef>

// gperftools' C entry point (gperftools/malloc_extension_c.h). Declared weak so
// that binaries without tcmalloc (tests, sanitizer builds) still link; it is
// non-null exactly when tcmalloc is in the process.
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));
extern "C" int MallocExtension_GetNumericProperty(const char* property, std::size_t* value)
    __attribute__((weak));
extern "C" int MallocExtension_SetNumericProperty(const char* property, std::size_t value)
    __attribute__((weak));

namespace picket {

void ReleaseFreeHeapToSystem() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
    return;
  }
  malloc_trim(0);
}

namespace {
constexpr const char* kAggressiveDecommit = "tcmalloc.aggressive_memory_decommit";
}  // namespace

ScopedEagerHeapRelease::ScopedEagerHeapRelease() {
  if (MallocExtension_GetNumericProperty != nullptr &&
      MallocExtension_SetNumericProperty != nullptr &&
      MallocExtension_GetNumericProperty(kAggressiveDecommit, &previous_decommit_) != 0) {
    decommit_changed_ = MallocExtension_SetNumericProperty(kAggressiveDecommit, 1) != 0;
  }
}

ScopedEagerHeapRelease::~ScopedEagerHeapRelease() {
  if (decommit_changed_)
    MallocExtension_SetNumericProperty(kAggressiveDecommit, previous_decommit_);
  ReleaseFreeHeapToSystem();
}

}  // namespace picket
