#include "proc/process_tree.h"

#include <algorithm>
#include <utility>
#include <variant>

namespace picket::proc {
namespace {

std::uint64_t AbsDiff(std::uint64_t a, std::uint64_t b) { return a > b ? a - b : b - a; }

// A made-up image for a process the tree has never heard of: only its
// identity is known. It is a root (no lineage_parent).
ProcessPtr MakeOrphan(const events::ProcessKey& key) {
  auto orphan = std::make_shared<Process>();
  orphan->key = key;
  orphan->tid = key.pid;
  orphan->fork_time_ns = key.start_time_ns;
  return orphan;
}

}  // namespace

ProcessTree::ProcessTree(ProcessTreeLimits limits) : limits_(limits) {
  limits_.max_processes = std::max<std::size_t>(limits_.max_processes, 1);
  limits_.max_ancestor_depth = std::max<std::size_t>(limits_.max_ancestor_depth, 1);
}

bool ProcessTree::StartTimesMatch(const Entry& entry, std::uint64_t start_time_ns) const {
  // A reference without a start time (0) cannot tell two processes apart; it
  // means "whatever runs under this pid".
  if (start_time_ns == 0) return true;
  std::uint64_t indexed = entry.image->key.start_time_ns;
  if (entry.start_time_is_approximate) {
    return AbsDiff(indexed, start_time_ns) < limits_.seed_start_time_tolerance_ns;
  }
  return indexed == start_time_ns;
}

ProcessTree::Lookup ProcessTree::Resolve(const events::ProcessKey& key, Entry** found) {
  auto it = index_.find(key.pid);
  if (it == index_.end()) return Lookup::kUnknown;
  Entry& entry = it->second;
  if (StartTimesMatch(entry, key.start_time_ns)) {
    if (entry.start_time_is_approximate && key.start_time_ns != 0) {
      entry.image->key.start_time_ns = key.start_time_ns;
      entry.start_time_is_approximate = false;
    }
    Touch(entry);
    *found = &entry;
    return Lookup::kFound;
  }
  return entry.image->key.start_time_ns < key.start_time_ns ? Lookup::kIndexedIsOlder
                                                            : Lookup::kIndexedIsNewer;
}

ProcessPtr ProcessTree::ResolveOrOrphan(const events::ProcessKey& key) {
  // pid 0 (the idle task) is the "parent" of init and kthreadd: no parent.
  if (key.pid == 0) return nullptr;
  Entry* entry = nullptr;
  switch (Resolve(key, &entry)) {
    case Lookup::kFound:
      return entry->image;
    case Lookup::kIndexedIsNewer: {
      // The event is about a process that has since been replaced under its
      // pid: describe it, but do not displace the newer one.
      ++stats_.stale_references;
      ++stats_.orphans_created;
      return MakeOrphan(key);
    }
    case Lookup::kIndexedIsOlder:
      if (index_.at(key.pid).image->is_alive()) ++stats_.pid_reuse_detected;
      break;
    case Lookup::kUnknown:
      break;
  }
  ++stats_.orphans_created;
  ProcessPtr orphan = MakeOrphan(key);
  Index(orphan, /*start_time_is_approximate=*/false);
  return orphan;
}

void ProcessTree::LinkMostRecent(Entry& entry) {
  entry.less_recent = most_recent_;
  entry.more_recent = nullptr;
  if (most_recent_ != nullptr) most_recent_->more_recent = &entry;
  most_recent_ = &entry;
  if (least_recent_ == nullptr) least_recent_ = &entry;
}

void ProcessTree::Unlink(Entry& entry) {
  (entry.less_recent != nullptr ? entry.less_recent->more_recent : least_recent_) =
      entry.more_recent;
  (entry.more_recent != nullptr ? entry.more_recent->less_recent : most_recent_) =
      entry.less_recent;
  entry.less_recent = entry.more_recent = nullptr;
}

void ProcessTree::Touch(Entry& entry) {
  if (most_recent_ == &entry) return;
  Unlink(entry);
  LinkMostRecent(entry);
}

void ProcessTree::Erase(std::unordered_map<std::uint32_t, Entry>::iterator it) {
  Unlink(it->second);
  index_.erase(it);
}

void ProcessTree::QueueForReap(const Process& image) {
  std::uint64_t reap_at_ns = image.exit_time_ns + limits_.exit_grace_ns;
  if (!exited_.empty()) reap_at_ns = std::max(reap_at_ns, exited_.back().reap_at_ns);
  exited_.push_back({reap_at_ns, image.key});
}

void ProcessTree::EvictOne() {
  while (!exited_.empty()) {
    ReapCandidate candidate = exited_.front();
    exited_.pop_front();
    auto it = index_.find(candidate.key.pid);
    if (it != index_.end() && it->second.image->key == candidate.key &&
        !it->second.image->is_alive()) {
      Erase(it);
      ++stats_.evictions;
      return;
    }
  }
  if (least_recent_ == nullptr) return;
  Erase(index_.find(least_recent_->image->key.pid));
  ++stats_.evictions;
}

void ProcessTree::Index(ProcessPtr image, bool start_time_is_approximate) {
  std::uint32_t pid = image->key.pid;
  auto it = index_.find(pid);
  if (it != index_.end()) {
    it->second.image = std::move(image);
    it->second.start_time_is_approximate = start_time_is_approximate;
    Touch(it->second);
    return;
  }
  while (index_.size() >= limits_.max_processes) EvictOne();
  auto [inserted, _] = index_.emplace(
      pid,
      Entry{.image = std::move(image), .start_time_is_approximate = start_time_is_approximate});
  LinkMostRecent(inserted->second);
}

void ProcessTree::Link(Process& image, ProcessPtr parent) {
  image.lineage_cut = false;
  if (parent == nullptr) {
    image.lineage_parent = nullptr;
    image.lineage_depth = 0;
    return;
  }
  std::uint32_t depth = parent->lineage_depth + 1;
  const std::size_t max_depth = limits_.max_ancestor_depth;
  const std::size_t slack = std::max<std::size_t>(max_depth / 4, 1);
  if (depth > max_depth + slack) {
    // lineage_depth is an upper bound (cuts elsewhere shorten chains without
    // updating descendants), so walk to find the real length first.
    Process* node = parent.get();
    std::size_t position = 1;  // node is ancestor number `position` of image
    while (position < max_depth && node->lineage_parent != nullptr) {
      node = node->lineage_parent.get();
      ++position;
    }
    if (node->lineage_parent != nullptr) {
      node->lineage_parent.reset();  // frees what nothing else references
      node->lineage_cut = true;
      node->lineage_depth = 0;
      ++stats_.lineage_cuts;
    }
    depth = static_cast<std::uint32_t>(position);
  }
  image.lineage_parent = std::move(parent);
  image.lineage_depth = depth;
}

ConstProcessPtr ProcessTree::ApplyFork(const events::ForkEvent& fork) {
  ++stats_.forks;
  ProcessPtr parent = ResolveOrOrphan(fork.parent);

  Entry* existing = nullptr;
  bool index_child = true;
  switch (Resolve(fork.child, &existing)) {
    case Lookup::kFound:
      // Seen already, typically seeded from /proc after the fork happened.
      // The event's copy-of-parent is what SECL's lineage wants.
      ++stats_.duplicate_forks;
      break;
    case Lookup::kIndexedIsOlder:
      if (index_.at(fork.child.pid).image->is_alive()) ++stats_.pid_reuse_detected;
      break;
    case Lookup::kIndexedIsNewer:
      ++stats_.stale_references;
      index_child = false;
      break;
    case Lookup::kUnknown:
      break;
  }

  auto child = parent != nullptr ? std::make_shared<Process>(*parent) : std::make_shared<Process>();
  child->key = fork.child;
  child->parent_key = fork.parent;
  child->tid = fork.child.pid;
  child->fork_time_ns = fork.timestamp_ns;
  child->exec_time_ns = 0;
  child->exit_time_ns = 0;
  child->exit_code = 0;
  child->is_exec = false;
  child->is_thread = true;
  child->from_seed = false;
  if (fork.cgroup_id != 0) child->cgroup_id = fork.cgroup_id;
  Link(*child, std::move(parent));
  if (index_child) Index(child, /*start_time_is_approximate=*/false);
  return child;
}

ConstProcessPtr ProcessTree::ApplyExec(const events::ExecEvent& exec) {
  events::ExecEvent copy = exec;
  return ApplyExec(std::move(copy));
}

ConstProcessPtr ProcessTree::ApplyExec(events::ExecEvent&& exec) {
  ++stats_.execs;
  ProcessPtr lineage_parent;
  bool index_image = true;
  Entry* pre_exec = nullptr;
  switch (Resolve(exec.process, &pre_exec)) {
    case Lookup::kFound:
      lineage_parent = pre_exec->image;
      break;
    case Lookup::kIndexedIsNewer:
      ++stats_.stale_references;
      index_image = false;
      break;
    case Lookup::kIndexedIsOlder:
      if (index_.at(exec.process.pid).image->is_alive()) ++stats_.pid_reuse_detected;
      break;
    case Lookup::kUnknown:
      break;
  }
  if (lineage_parent == nullptr) {
    // The pre-exec image is unknown (its fork predates what we saw): hang the
    // new image directly under its real parent, so ancestors still resolve.
    lineage_parent = ResolveOrOrphan(exec.parent);
  }

  ProcessPtr image = MakeImageFromExec(std::move(exec));
  if (pre_exec != nullptr) image->fork_time_ns = pre_exec->image->fork_time_ns;
  Link(*image, std::move(lineage_parent));
  if (index_image) Index(image, /*start_time_is_approximate=*/false);
  return image;
}

ConstProcessPtr ProcessTree::ApplyExit(const events::ExitEvent& exit) {
  ++stats_.exits;
  ProcessPtr image = ResolveOrOrphan(exit.process);
  if (image == nullptr) image = MakeOrphan(exit.process);  // pid 0; never indexed
  // 0 means "alive" in Process; an exit stamped at the epoch still ended.
  // The process's earlier images (its fork copy, pre-exec images) end with
  // it: they are the same process, and ancestry readers ask "had it exited?".
  const std::uint64_t exit_time_ns = std::max<std::uint64_t>(exit.timestamp_ns, 1);
  for (Process* same = image.get(); same != nullptr && same->key == image->key;
       same = same->lineage_parent.get()) {
    if (!same->is_alive()) break;
    same->exit_time_ns = exit_time_ns;
    same->exit_code = exit.exit_code;
  }
  QueueForReap(*image);
  return image;
}

ConstProcessPtr ProcessTree::Apply(const events::Event& event) {
  struct Visitor {
    ProcessTree& tree;
    ConstProcessPtr operator()(const events::ForkEvent& e) const { return tree.ApplyFork(e); }
    ConstProcessPtr operator()(const events::ExecEvent& e) const { return tree.ApplyExec(e); }
    ConstProcessPtr operator()(const events::ExitEvent& e) const { return tree.ApplyExit(e); }
  };
  return std::visit(Visitor{*this}, event);
}

ConstProcessPtr ProcessTree::Apply(events::Event&& event) {
  if (auto* exec = std::get_if<events::ExecEvent>(&event)) return ApplyExec(std::move(*exec));
  return Apply(static_cast<const events::Event&>(event));
}

std::size_t ProcessTree::Seed(const std::vector<ProcessPtr>& images) {
  std::size_t added = 0;
  for (const ProcessPtr& image : images) {
    if (image == nullptr) continue;
    if (index_.contains(image->key.pid)) {
      ++stats_.seed_skipped;
      continue;
    }
    image->from_seed = true;
    Link(*image, image->lineage_parent);
    Index(image, /*start_time_is_approximate=*/true);
    if (!image->is_alive()) {
      QueueForReap(*image);
    }
    ++stats_.seeded;
    ++added;
  }
  return added;
}

void ProcessTree::Reap(std::uint64_t now_ns) {
  while (!exited_.empty() && exited_.front().reap_at_ns <= now_ns) {
    ReapCandidate candidate = exited_.front();
    exited_.pop_front();
    auto it = index_.find(candidate.key.pid);
    // A stale candidate (the pid now holds another process) is just dropped.
    if (it != index_.end() && it->second.image->key == candidate.key &&
        !it->second.image->is_alive()) {
      Erase(it);
      ++stats_.reaped;
    }
  }
}

ConstProcessPtr ProcessTree::Find(std::uint32_t pid) const {
  auto it = index_.find(pid);
  return it == index_.end() ? nullptr : it->second.image;
}

ConstProcessPtr ProcessTree::Find(const events::ProcessKey& key) const {
  auto it = index_.find(key.pid);
  if (it == index_.end() || !StartTimesMatch(it->second, key.start_time_ns)) return nullptr;
  return it->second.image;
}

AncestorList ProcessTree::Ancestors(const Process& image, std::size_t max_images) const {
  max_images = std::min(max_images, limits_.max_ancestor_depth);
  AncestorList list;
  const Process* last = &image;
  const Process* node = image.lineage_parent.get();
  while (node != nullptr && list.images.size() < max_images) {
    list.images.push_back(node);
    last = node;
    node = node->lineage_parent.get();
  }
  list.truncated = node != nullptr || last->lineage_cut;
  return list;
}

}  // namespace picket::proc
