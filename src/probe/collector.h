// probe/: owns the kernel side of event collection. A Collector opens the BPF
// skeleton (bpf/process_events.bpf.c), configures it, loads it (tp_btf
// programs where the kernel accepts them, raw_tp otherwise), attaches the
// sched_process_{fork,exec,exit} programs (and cgroup_rename, which keeps
// the kernel side's cache of cgroup paths current) and pumps the one ring
// buffer they share, handing every record to decode/ and every event to the
// caller.
//
// Wake-ups are batched: the BPF side submits with BPF_RB_NO_WAKEUP until
// `wakeup_threshold_bytes` are pending, then forces one wake-up (one until
// the next drain: a consumer already told is not told again); Poll() drains
// the ring explicitly when its wait times out, so a quiet system still
// delivers within one poll timeout. A consumer that wants no timer while the
// system is idle uses Drain() + WaitForRecord() instead: after a drain that
// found nothing, WaitForRecord() asks the BPF side to wake it on the very
// next record (consumer_idle in the BPF program), and otherwise the caller
// sleeps its batching interval with SleepUntilWoken() before the next
// Drain(). That sleep also ends on the wake-ups the BPF side forces: the
// threshold above, and an exec of a program named in SetUrgentExecNames()
// (one per drain), so a long batching interval does not delay the execs the
// rules are waiting for.
//
// Thread-compatible: one thread calls Poll(); Stats() may be called from that
// same thread (it reads per-CPU maps and the decode counters).

#ifndef PICKET_PROBE_COLLECTOR_H_
#define PICKET_PROBE_COLLECTOR_H_

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "decode/decode.h"
#include "events/process_events.h"

namespace picket::probe {

enum class AttachMode {
  kAuto,   // try tp_btf, fall back to raw_tp if the kernel refuses it
  kTpBtf,  // BPF_PROG_TYPE_TRACING / BPF_TRACE_RAW_TP only
  kRawTp,  // BPF_PROG_TYPE_RAW_TRACEPOINT only (works back to 4.17, no tracefs)
};

std::string_view AttachModeName(AttachMode mode);  // "auto", "tp_btf", "raw_tp"

struct CollectorOptions {
  // BPF ring buffer size; rounded up to a power of two, at least one page.
  // 8 MiB holds ~16k exec cycles (~520 B each): a consumer stall of several
  // seconds at this machine's maximum exec rate (~2,000/s) without losses.
  // The data pages are mapped twice in the agent (the wrap-around mapping)
  // and resident from the start, so the ring costs twice its size in RSS.
  std::uint32_t ring_size_bytes = 8u << 20;
  // argv bytes captured per exec (the rest is counted in args_size and
  // flagged kExecArgsTruncated). Clamped to [0, PICKET_ARGS_CAP_MAX].
  std::uint32_t argv_capture_bytes = 4096;
  bool capture_env = false;
  std::uint32_t env_capture_bytes = 2048;  // when capture_env; same clamp
  // Pending ring bytes that force a consumer wake-up. 0: wake on every
  // record (lowest latency, several µs more kernel cost per event).
  std::uint32_t wakeup_threshold_bytes = 64u << 10;
  AttachMode attach_mode = AttachMode::kAuto;
  // stat() a #! script's path in user space to fill file.inode/mode/...
  // (the kernel only holds the interpreter's file at the exec hook). When the
  // script is already gone, those fields stay 0.
  bool stat_script_files = true;
};

struct CollectorStats {
  // Kernel side, summed over CPUs: records the ring accepted / refused.
  std::uint64_t emitted_fork = 0;
  std::uint64_t emitted_exec = 0;
  std::uint64_t emitted_exit = 0;
  std::uint64_t lost_fork = 0;
  std::uint64_t lost_exec = 0;
  std::uint64_t lost_exit = 0;
  // Exec records whose cgroup path the kernel side copied from its cache of
  // walked paths (hits) or walked (misses); execs in a hierarchy's root
  // count as neither.
  std::uint64_t cgroup_cache_hits = 0;
  std::uint64_t cgroup_cache_misses = 0;
  // Wake-ups the BPF side forced because wakeup_threshold_bytes were
  // pending: at most one per drain (Drain() re-arms it).
  std::uint64_t threshold_wakeups = 0;
  // Wake-ups forced by an exec named in SetUrgentExecNames(): at most one
  // per drain.
  std::uint64_t urgent_wakeups = 0;
  // User side: events delivered to Poll() callbacks, by kind.
  std::uint64_t delivered_fork = 0;
  std::uint64_t delivered_exec = 0;
  std::uint64_t delivered_exit = 0;
  // Records decode/ rejected, by decode::Malformation.
  std::array<std::uint64_t, decode::kMalformationCount> malformed{};

  std::uint64_t lost() const { return lost_fork + lost_exec + lost_exit; }
  std::uint64_t malformed_total() const;
};

// One loaded BPF program, for benchmarks (kernel.bpf_stats_enabled) and logs.
struct ProgramInfo {
  std::string name;  // "exec_raw", "fork_btf", ...
  std::uint32_t id = 0;
};

class Collector {
 public:
  using EventCallback = std::function<void(events::Event&&)>;

  // Opens, configures, loads and attaches. Fails with one actionable message
  // naming what is missing: kPermissionDenied when not root / lacking
  // CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN); kUnsupported when the kernel has
  // no BTF (/sys/kernel/btf/vmlinux) or refuses a program (the message carries
  // the program name, errno and the tail of the verifier log).
  static Result<std::unique_ptr<Collector>> Open(const CollectorOptions& options);

  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  // Waits up to `timeout` for a wake-up, then drains everything pending,
  // calling `on_event` once per decoded event in ring order (fork before the
  // child's exec before its exit). Malformed records are counted in Stats(),
  // never delivered. Returns the number of records consumed (events +
  // malformed). The callback must not call Poll().
  Result<std::size_t> Poll(std::chrono::milliseconds timeout, const EventCallback& on_event);

  // Drains everything pending without waiting (same delivery as Poll()).
  Result<std::size_t> Drain(const EventCallback& on_event);

  // Why SleepUntilWoken() returned.
  enum class WakeReason {
    kInterval,  // the interval passed
    kKernel,    // the BPF side forced a wake-up: an urgent exec, or the threshold
    kExtraFd,   // `extra_fd` is readable (or the wait was interrupted: look anyway)
  };

  // The batching sleep of a Drain() consumer while records flow. Both times
  // count from the start of the batch: the end of the last Drain(), or the
  // first record of a batch that ended a WaitForRecord(). Returns when
  // `interval` has passed, when `extra_fd` (if >= 0) is readable, or when
  // the BPF side has forced a wake-up since the last Drain() (an exec named
  // in SetUrgentExecNames(), or wakeup_threshold_bytes pending) and
  // `min_interval` has passed: a host that runs named programs all the time
  // costs at most one drain per `min_interval`, as a fixed interval of that
  // length would. A wake-up that only ended a WaitForRecord() ends nothing.
  Result<WakeReason> SleepUntilWoken(std::chrono::milliseconds interval,
                                     std::chrono::milliseconds min_interval, int extra_fd);

  // Names whose exec ends a SleepUntilWoken() at once instead of at its
  // interval: the BPF side looks up every exec's comm and the name of the
  // file it ran, both cut to 15 bytes as the kernel cuts a comm. Names are
  // cut the same way here, so a cut name also wakes for another program
  // sharing its first 15 bytes (a wake-up too many, never one missing).
  // Replaces the previous set; an empty set turns the lookups off. More
  // than kMaxUrgentExecNames distinct names: kInvalidArgument, and the
  // lookups are off (every exec waits for the interval).
  static constexpr std::size_t kMaxUrgentExecNames = 4096;
  Status SetUrgentExecNames(const std::vector<std::string>& names);

  // For a consumer whose last Drain() found the ring empty: asks the BPF side
  // to force a wake-up on the next record, then waits until a record is
  // pending, `extra_fd` (if >= 0, e.g. a signalfd) is readable, or `timeout`
  // passes. Returns true when records are pending. A record whose producer
  // decided against a wake-up just before the request can wait until the
  // timeout, so keep the timeout bounded (it caps that rare extra latency).
  Result<bool> WaitForRecord(std::chrono::milliseconds timeout, int extra_fd);

  CollectorStats Stats() const;

  // tp_btf or raw_tp: what the kernel accepted.
  AttachMode attach_mode() const { return attach_mode_; }
  // The offset all event times were converted with (see decode::DecodeOptions).
  std::int64_t boot_to_realtime_offset_ns() const {
    return decode_options_.boot_to_realtime_offset_ns;
  }
  std::vector<ProgramInfo> Programs() const;

  struct Skeleton;  // the bpftool skeleton + ring buffer, in collector.cc

 private:
  Collector(std::unique_ptr<Skeleton> skeleton, AttachMode mode, CollectorOptions options);
  static int HandleSample(void* ctx, void* data, std::size_t size);
  // Fills a #! script's FileInfo metadata from the file system (see
  // CollectorOptions::stat_script_files).
  void StatScriptFile(events::ExecEvent& exec) const;
  // Empties the edge-triggered set, so only a later forced wake-up wakes it.
  void ConsumeForcedWakeUps();

  std::unique_ptr<Skeleton> skeleton_;
  AttachMode attach_mode_;
  CollectorOptions options_;
  decode::DecodeOptions decode_options_;
  const EventCallback* current_callback_ = nullptr;  // valid during Poll()
  std::size_t consumed_in_poll_ = 0;
  std::uint64_t batch_start_ns_ = 0;       // MonotonicNs(); see SleepUntilWoken()
  bool last_sleep_forced_ = false;         // the last SleepUntilWoken() returned kKernel
  CollectorStats user_stats_;              // delivered_* and malformed; kernel fields unused
  std::uint32_t own_mount_namespace_ = 0;  // inode of /proc/self/ns/mnt
};

}  // namespace picket::probe

#endif  // PICKET_PROBE_COLLECTOR_H_
