// ProcessTree: the agent's picture of which processes exist and which images
// they came from, kept current from fork/exec/exit events and seeded once
// from /proc (procfs_seed.h).
//
// Identity. A process is (tgid, start time). The tree indexes the *current*
// image of each pid and checks the start time on every lookup, so a reused
// pid never resolves to the previous process. Seeded images carry /proc's
// start time, which has clock-tick resolution (10 ms); until an event
// confirms one, it matches any key of the same pid within
// `seed_start_time_tolerance_ns`, and the first matching event replaces the
// seeded start time with the exact one.
//
// Lineage (SECL spec §6.1). Fork: the child's image copies the parent's
// current image (is_thread = true, lineage_parent = that image). Exec: a new
// image for the same pid (is_exec = true, lineage_parent = the pre-exec
// image). Events carry thread-group ids, so an exec by a non-leader thread or
// a fork by a thread resolves to the thread group. An event that names a
// process the tree does not know gets an orphan root image built from what
// the event carries (counted in stats().orphans_created); a parent pid of 0
// (init's and kthreadd's) means "no parent".
//
// Lifetime and memory. Exit marks the image exited; it stays findable for
// `exit_grace_ns` of *event* time so late events still resolve, then Reap()
// drops it from the index. Images are shared: a descendant's lineage_parent
// keeps its ancestors alive however long ago they exited, which is what keeps
// short-lived launchers resolvable. Memory is bounded twice:
//  - the index holds at most `max_processes` pids; on overflow, exited
//    entries are evicted first (earliest exit first), then the least recently
//    active live entry (the pid that was least recently created, forked from,
//    exec'd or exited). Eviction only drops the index's reference: an image
//    still referenced by a descendant lives on as that descendant's ancestor,
//    and is freed when the last descendant goes.
//  - every lineage chain is kept at most `max_ancestor_depth` images long
//    (plus a slack of a quarter of that, so cutting is amortised): when a new
//    image would make its chain longer, the tree walks `max_ancestor_depth`
//    images up and clears `lineage_parent` there, setting `lineage_cut` so
//    Ancestors() reports the chain as truncated. Each image records an upper
//    bound of its chain length in `lineage_depth`, so the walk only happens
//    for deep chains. Together: at most max_processes indexed images, each
//    reaching at most max_ancestor_depth * 5/4 images, most of them shared.
//
// Not thread-safe: the pipeline's event thread owns the tree. Images are
// handed out as shared_ptr<const Process>; only the tree mutates them (exit
// fields, a confirmed start time, a lineage cut), so other threads must copy.

#ifndef PICKET_PROC_PROCESS_TREE_H_
#define PICKET_PROC_PROCESS_TREE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

#include "events/process_events.h"
#include "proc/process.h"

namespace picket::proc {

// SECL explores at most 100 ancestors when it binds an iterator register
// (spec §6.3), so keeping 100 images keeps every ancestor a rule can name
// individually. Each process usually contributes two images (fork copy +
// exec), so this is about 50 processes deep.
inline constexpr std::size_t kDefaultMaxAncestorDepth = 100;

struct ProcessTreeLimits {
  std::size_t max_processes = 65'536;                         // pids in the index, live + exited
  std::size_t max_ancestor_depth = kDefaultMaxAncestorDepth;  // images kept per chain
  // Event time. Records arrive in the order the kernel reserved them, so an
  // exited pid is named afterwards only by events that raced its exit on
  // another CPU (microseconds) or by a /proc seed taken around it; a second
  // is ample. Under an exec storm the index holds grace × exec rate exited
  // entries (1 s × 3,300/s here), which is what bounds the agent's memory
  // there: 5 s took the storm's peak RSS from 40 to 76 MiB.
  std::uint64_t exit_grace_ns = 1'000'000'000;
  // /proc start times are clock ticks (USER_HZ = 100 on every Linux ABI).
  std::uint64_t seed_start_time_tolerance_ns = 10'000'000;
};

struct ProcessTreeStats {
  std::uint64_t forks = 0;
  std::uint64_t execs = 0;
  std::uint64_t exits = 0;
  std::uint64_t seeded = 0;              // images added by Seed()
  std::uint64_t seed_skipped = 0;        // seeded pids already known from events
  std::uint64_t orphans_created = 0;     // images made up for unknown processes
  std::uint64_t pid_reuse_detected = 0;  // a live entry replaced by a newer process, exit unseen
  std::uint64_t duplicate_forks = 0;     // a fork for a process already indexed (seed overlap)
  std::uint64_t stale_references = 0;    // events about a process older than the indexed one
  std::uint64_t evictions = 0;           // entries dropped by the max_processes bound
  std::uint64_t reaped = 0;              // exited entries dropped after the grace period
  std::uint64_t lineage_cuts = 0;        // chains cut by the depth bound
};

// Ancestors of an image, nearest first (the first is process.parent).
struct AncestorList {
  std::vector<const Process*> images;
  // More ancestors exist than `images` holds: the walk stopped at its limit,
  // or reached an image whose lineage the tree cut.
  bool truncated = false;
};

using ConstProcessPtr = std::shared_ptr<const Process>;

class ProcessTree {
 public:
  explicit ProcessTree(ProcessTreeLimits limits = {});

  ProcessTree(const ProcessTree&) = delete;
  ProcessTree& operator=(const ProcessTree&) = delete;

  // Each Apply* returns the image the event is about (the child, the new
  // exec image, the exited image); never nullptr. Unknown processes become
  // orphan images; a fork onto a live pid with a newer start time is pid
  // reuse (the old process's exit was missed).
  ConstProcessPtr ApplyFork(const events::ForkEvent& fork);
  ConstProcessPtr ApplyExec(const events::ExecEvent& exec);
  // Moves the exec's strings and lists into the new image (the event keeps
  // its keys, times and flags).
  ConstProcessPtr ApplyExec(events::ExecEvent&& exec);
  // Marks the image exited, and the process's earlier images in its lineage
  // (fork copy, pre-exec images: same key). It stays findable until Reap() passes
  // exit time + exit_grace_ns, so exit rules and late events still see it.
  ConstProcessPtr ApplyExit(const events::ExitEvent& exit);
  ConstProcessPtr Apply(const events::Event& event);
  ConstProcessPtr Apply(events::Event&& event);  // an exec's strings move into the tree

  // Adds images read from /proc. `images` must list parents before children
  // and already be linked through lineage_parent (ReadProcfs does both). A
  // pid the index already holds (from events, or an earlier seed) is left
  // alone: events are more precise than /proc. Returns how many were added.
  std::size_t Seed(const std::vector<ProcessPtr>& images);

  // Drops exited entries whose grace period ended at `now_ns` (event time).
  void Reap(std::uint64_t now_ns);

  // The current image of `pid`, alive or exited within the grace period;
  // nullptr if unknown.
  ConstProcessPtr Find(std::uint32_t pid) const;
  // Like Find(pid), but only if that image belongs to `key`'s process.
  ConstProcessPtr Find(const events::ProcessKey& key) const;

  // Walks lineage_parent from `image`, nearest first, up to `max_images`
  // (capped at limits().max_ancestor_depth). The pointers stay valid until
  // the next Apply*, Seed or Reap call (a lineage cut may free them).
  AncestorList Ancestors(const Process& image, std::size_t max_images) const;
  AncestorList Ancestors(const Process& image) const {
    return Ancestors(image, limits_.max_ancestor_depth);
  }

  std::size_t size() const { return index_.size(); }
  const ProcessTreeStats& stats() const { return stats_; }
  const ProcessTreeLimits& limits() const { return limits_; }

 private:
  struct Entry {
    ProcessPtr image;
    bool start_time_is_approximate = false;  // seeded and not yet confirmed by an event
    // Recency list through the entries themselves (the index's nodes do not
    // move), so indexing a pid allocates nothing beyond its map node.
    Entry* less_recent = nullptr;
    Entry* more_recent = nullptr;
  };
  struct ReapCandidate {
    std::uint64_t reap_at_ns = 0;
    events::ProcessKey key;
  };
  enum class Lookup { kFound, kUnknown, kIndexedIsOlder, kIndexedIsNewer };

  bool StartTimesMatch(const Entry& entry, std::uint64_t start_time_ns) const;
  // Classifies what the index holds for `key`; on kFound, `*found` is the
  // entry (its start time confirmed and its LRU position refreshed).
  Lookup Resolve(const events::ProcessKey& key, Entry** found);
  // The image `key` refers to, or an orphan root made from the key (indexed
  // unless the index holds a newer process under that pid); nullptr for pid 0.
  ProcessPtr ResolveOrOrphan(const events::ProcessKey& key);
  // Makes `image` the current image of its pid, evicting if the index is full.
  void Index(ProcessPtr image, bool start_time_is_approximate);
  void Touch(Entry& entry);
  void LinkMostRecent(Entry& entry);
  void Unlink(Entry& entry);
  void EvictOne();
  void Erase(std::unordered_map<std::uint32_t, Entry>::iterator it);
  // Queues an exited image for Reap() and EvictOne() (see exited_).
  void QueueForReap(const Process& image);
  // Sets image->lineage_parent and keeps the chain within the depth bound.
  void Link(Process& image, ProcessPtr parent);

  ProcessTreeLimits limits_;
  ProcessTreeStats stats_;
  std::unordered_map<std::uint32_t, Entry> index_;
  Entry* least_recent_ = nullptr;  // ends of the recency list through the entries
  Entry* most_recent_ = nullptr;
  // Exited entries, earliest deadline first. Exits arrive in event-time
  // order, up to the microseconds by which records of two CPUs can cross,
  // so a FIFO whose every deadline is raised to the one queued before it
  // stays sorted at O(1) per exit and per reap (a heap took O(log n)
  // cache-missing steps for each); an exit that came out of order is reaped
  // that much later.
  std::deque<ReapCandidate> exited_;
};

}  // namespace picket::proc

#endif  // PICKET_PROC_PROCESS_TREE_H_
