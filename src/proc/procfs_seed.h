// Seeding the process tree from /proc, so that processes started before the
// agent have images and ancestors. Run it *after* the collector attaches:
// anything that starts in between is then seen twice (seed and events), which
// the tree handles, instead of not at all.
//
// What is read per /proc/<pid>: stat (ppid, tty_nr, starttime), exe (the
// executable; stat() through it gives inode, dev, mode, owner, nlink, times),
// cmdline (NUL-separated argv), comm, status (uids, gids, CapEff, CapPrm),
// loginuid, sessionid, cgroup (the v2 line, else the memory controller's),
// ns/{mnt,pid,net,cgroup}. A process that vanishes while being read is
// skipped; a file it denies (exe of pid 1 without ptrace rights) leaves that
// part empty: the executable path then falls back to argv[0] when it is
// absolute, and is "" otherwise (comm still names the process).
//
// Start times: stat field 22 counts clock ticks since boot. They are turned
// into ns since the epoch with the same boot→realtime offset decode/ uses for
// kernel stamps, so a seeded key matches the key the kernel reports for the
// same process within one tick (ProcessTree compares seeded start times with
// that tolerance).

#ifndef PICKET_PROC_PROCFS_SEED_H_
#define PICKET_PROC_PROCFS_SEED_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "proc/process.h"
#include "proc/process_tree.h"

namespace picket::proc {

struct ProcfsSeedOptions {
  std::string proc_root = "/proc";
  // cgroup v2 mount; cgroup_id is the inode of <cgroup_root><cgroup_path>.
  std::string cgroup_root = "/sys/fs/cgroup";
  std::int64_t boot_to_realtime_offset_ns = 0;  // BootToRealtimeOffsetNs()
  std::uint64_t clock_ticks_per_second = 100;   // sysconf(_SC_CLK_TCK)
  bool capture_env = false;                     // read /proc/<pid>/environ
};

struct ProcfsSeed {
  // One image per process, parents before children, each linked to its
  // parent's image through lineage_parent; from_seed = true.
  std::vector<ProcessPtr> images;
  std::size_t vanished = 0;  // listed, then gone (or unreadable stat) while reading
};

// Reads every /proc/<pid>. Fails only if the root itself cannot be listed.
Result<ProcfsSeed> ReadProcfs(const ProcfsSeedOptions& options);

// ReadProcfs + ProcessTree::Seed. Returns the number of images added.
Result<std::size_t> SeedFromProcfs(ProcessTree& tree, const ProcfsSeedOptions& options);

// "pts0", "tty1", "ttyS0", or "" for no terminal, from stat's tty_nr.
std::string TtyNameFromDevice(std::uint32_t tty_nr);

}  // namespace picket::proc

#endif  // PICKET_PROC_PROCFS_SEED_H_
