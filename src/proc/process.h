// Process: one process *image* as SECL sees it (spec §6.1). A fork creates a
// child image that copies the parent's image (is_thread = true); an exec
// creates a new image for the same pid whose lineage parent is the pre-exec
// image. Walking `lineage_parent` from an image therefore yields exactly
// SECL's `process.ancestors` list (each binary typically twice), and it keeps
// the launcher of a double fork even after the child was reparented.
//
// Images are shared, reference-counted and owned by their descendants through
// `lineage_parent`, so an ancestor stays resolvable for as long as any
// descendant image is referenced, however long ago it exited. Only the
// pipeline thread mutates an image (exit fields); other threads receive copies.

#ifndef PICKET_PROC_PROCESS_H_
#define PICKET_PROC_PROCESS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/process_events.h"
#include "proc/shared_string_list.h"

namespace picket::proc {

// Images are always owned by shared_ptr (the tree makes them with
// make_shared), so holders of a raw pointer can take a weak reference
// (weak_from_this) and learn when the image is gone — the variable store
// frees process-scoped variables that way, as the reference does when a
// process cache entry is released.
struct Process : std::enable_shared_from_this<Process> {
  events::ProcessKey key;         // tgid + start time of the thread group
  events::ProcessKey parent_key;  // real parent (ppid) when the image was created
  std::uint32_t tid = 0;          // thread that performed the exec (or the leader)

  // The image: what the process runs.
  std::string comm;
  events::FileInfo file;         // executable (the script for a #! exec)
  events::FileInfo interpreter;  // #! interpreter; empty path otherwise
  std::string filename;          // as passed to exec
  SharedStringList argv;         // argv[0] included; shared with fork copies
  bool args_truncated = false;
  SharedStringList envp;
  bool envs_truncated = false;
  events::Credentials credentials;
  std::string tty;
  std::uint64_t cgroup_id = 0;
  std::string cgroup_path;
  std::string container_id;
  events::Namespaces namespaces;
  std::uint32_t exec_flags = 0;  // events::ExecFlag bits of the exec that made the image

  std::uint64_t fork_time_ns = 0;  // when the thread group was created
  std::uint64_t exec_time_ns = 0;  // when this image was exec'd; 0 for a fork copy
  std::uint64_t exit_time_ns = 0;  // 0 while alive
  std::int32_t exit_code = 0;

  bool is_exec = false;    // image created by an exec
  bool is_thread = false;  // fork child that has not exec'd
  bool from_seed = false;  // built from /proc (or iter/task), not from events

  // The image this one came from: the pre-exec image (exec) or the parent's
  // image at fork time (fork). nullptr at the root of what we know.
  std::shared_ptr<Process> lineage_parent;
  // Maintained by ProcessTree to bound lineage memory (process_tree.h):
  // an upper bound of the images above this one, and whether the tree cut
  // `lineage_parent` here (the real lineage continues beyond what is kept).
  std::uint32_t lineage_depth = 0;
  bool lineage_cut = false;

  bool is_alive() const { return exit_time_ns == 0; }
  // A fork copy the tree made from a fork event: everything but its keys,
  // times, flags and cgroup id is its lineage parent's (ProcessTree::ApplyFork
  // copies it and changes nothing else). A seeded thread image is read from
  // /proc and may differ from its parent's current image.
  bool copies_lineage_parent() const {
    return is_thread && !is_exec && !from_seed && lineage_parent != nullptr;
  }
};

using ProcessPtr = std::shared_ptr<Process>;

// The image an exec creates, from what the event carries: lineage_parent is
// left null and fork_time_ns is the process start time (the tree links it and
// keeps the pre-exec image's fork time).
// ImageFromExec copies the event's strings; MakeImageFromExec moves them
// into an image built where it will live (the tree's path: no copy, and no
// move of the whole image).
Process ImageFromExec(const events::ExecEvent& exec);
ProcessPtr MakeImageFromExec(events::ExecEvent&& exec);

}  // namespace picket::proc

#endif  // PICKET_PROC_PROCESS_H_
