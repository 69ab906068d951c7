// ReleaseFreeHeapToSystem: hands the heap's free pages back to the kernel, so
// memory used once (libbpf parses the kernel's BTF, ~12 MiB, while loading
// the collector) does not stay resident for the agent's lifetime.
//
// Works with whichever allocator the binary runs on: tcmalloc (the agent's
// allocator, see PICKET_TCMALLOC) when it is linked or preloaded, otherwise
// glibc's malloc_trim. Costs a walk of the free lists: call it after a phase
// that freed a lot, not per event.

#ifndef PICKET_BASE_HEAP_RELEASE_H_
#define PICKET_BASE_HEAP_RELEASE_H_

#include <cstddef>

namespace picket {

void ReleaseFreeHeapToSystem();

// While one is alive, tcmalloc returns freed spans to the kernel as they are
// freed instead of keeping them for reuse; on destruction the allocator goes
// back to its previous setting and the free heap is released. For phases
// that grow buffers by realloc (libbpf's BTF parsing), where tcmalloc would
// otherwise keep every outgrown buffer resident and raise the process's peak
// RSS (VmHWM) for good. With glibc it only releases at the end: glibc
// already unmaps large freed blocks. Not reentrant; one at a time.
class ScopedEagerHeapRelease {
 public:
  ScopedEagerHeapRelease();
  ~ScopedEagerHeapRelease();
  ScopedEagerHeapRelease(const ScopedEagerHeapRelease&) = delete;
  ScopedEagerHeapRelease& operator=(const ScopedEagerHeapRelease&) = delete;

 private:
  std::size_t previous_decommit_ = 0;
  bool decommit_changed_ = false;
};

}  // namespace picket

#endif  // PICKET_BASE_HEAP_RELEASE_H_
