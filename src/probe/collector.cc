#include "probe/collector.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "process_events.skel.h"

extern "C" {
#include "abi/process_events.h"
}

namespace picket::probe {

struct Collector::Skeleton {
  process_events* bpf = nullptr;
  ring_buffer* ring = nullptr;
  // The ring registered edge-triggered: readable once per wake-up the BPF
  // side forces, not whenever records are pending (libbpf's own epoll set
  // is level-triggered, which a batching sleep cannot use).
  int forced_wakeups_fd = -1;

  Skeleton() = default;
  Skeleton(const Skeleton&) = delete;
  Skeleton& operator=(const Skeleton&) = delete;
  ~Skeleton() {
    if (forced_wakeups_fd >= 0) close(forced_wakeups_fd);
    if (ring != nullptr) ring_buffer__free(ring);
    if (bpf != nullptr) process_events__destroy(bpf);
  }
};

namespace {

constexpr const char* kKernelBtfPath = "/sys/kernel/btf/vmlinux";

// libbpf reports why a load failed (verifier log, "failed to load") only
// through its print callback, which is process-global. While Open() runs,
// the callback appends to this buffer so the Error can quote the reason.
std::mutex libbpf_log_mutex;
std::string* libbpf_log = nullptr;  // guarded by libbpf_log_mutex

int CaptureLibbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG || libbpf_log == nullptr) return 0;
  char line[1024];
  int n = std::vsnprintf(line, sizeof(line), format, args);
  if (n > 0) libbpf_log->append(line, std::min<std::size_t>(n, sizeof(line) - 1));
  return n;
}

class LibbpfLogCapture {
 public:
  LibbpfLogCapture() : lock_(libbpf_log_mutex) {
    libbpf_log = &text_;
    previous_ = libbpf_set_print(CaptureLibbpfPrint);
  }
  ~LibbpfLogCapture() {
    libbpf_set_print(previous_);
    libbpf_log = nullptr;
  }
  void Clear() { text_.clear(); }
  // The lines worth quoting: libbpf's own failure lines and the last lines of
  // the verifier log, at most ~1.5 KiB.
  std::string Tail() const {
    std::vector<std::string_view> lines;
    std::string_view rest = text_;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
      if (!line.empty()) lines.push_back(line);
    }
    std::string tail;
    std::size_t first = lines.size() > 12 ? lines.size() - 12 : 0;
    for (std::size_t i = first; i < lines.size(); ++i) {
      tail += "\n  ";
      tail += lines[i];
    }
    if (tail.size() > 1536) tail = "\n  ..." + tail.substr(tail.size() - 1536);
    return tail;
  }

 private:
  std::lock_guard<std::mutex> lock_;
  std::string text_;
  libbpf_print_fn_t previous_ = nullptr;
};

bool HasEffectiveCapability(int capability) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  return (data[capability / 32].effective & (1u << (capability % 32))) != 0;
}

Status CheckPrerequisites() {
  constexpr int kCapBpf = 39;      // CAP_BPF (5.8+)
  constexpr int kCapPerfmon = 38;  // CAP_PERFMON (5.8+)
  const bool privileged = HasEffectiveCapability(CAP_SYS_ADMIN) ||
                          (HasEffectiveCapability(kCapBpf) && HasEffectiveCapability(kCapPerfmon));
  if (!privileged) {
    return Error(ErrorCode::kPermissionDenied,
                 "loading eBPF programs needs root (or the capabilities CAP_BPF and "
                 "CAP_PERFMON): run picket as root");
  }
  if (access(kKernelBtfPath, R_OK) != 0) {
    return Error(ErrorCode::kUnsupported,
                 std::string("the kernel exposes no BTF type information (") + kKernelBtfPath +
                     " is missing): picket's CO-RE programs need a kernel built with "
                     "CONFIG_DEBUG_INFO_BTF=y (5.8 or later)");
  }
  return {};
}

std::uint32_t RingSize(std::uint32_t requested) {
  const auto page = static_cast<std::uint32_t>(sysconf(_SC_PAGESIZE));
  std::uint32_t size = page;
  while (size < requested && size < (1u << 30)) size <<= 1;
  return size;
}

void ChooseProgramSet(process_events* bpf, AttachMode mode) {
  const bool btf = mode == AttachMode::kTpBtf;
  bpf_program__set_autoload(bpf->progs.fork_btf, btf);
  bpf_program__set_autoload(bpf->progs.exec_btf, btf);
  bpf_program__set_autoload(bpf->progs.exit_btf, btf);
  bpf_program__set_autoload(bpf->progs.fork_raw, !btf);
  bpf_program__set_autoload(bpf->progs.exec_raw, !btf);
  bpf_program__set_autoload(bpf->progs.exit_raw, !btf);
  bpf_program__set_autoload(bpf->progs.cgroup_rename_btf, btf);
  bpf_program__set_autoload(bpf->progs.cgroup_rename_raw, !btf);
}

std::string ErrnoText(int error) { return std::strerror(error < 0 ? -error : error); }

// Opens, configures, loads and attaches the program set of `mode`.
Result<std::unique_ptr<Collector::Skeleton>> LoadSkeleton(const CollectorOptions& options,
                                                          AttachMode mode, LibbpfLogCapture& log) {
  log.Clear();
  auto skeleton = std::make_unique<Collector::Skeleton>();
  skeleton->bpf = process_events__open();
  if (skeleton->bpf == nullptr) {
    return Error(ErrorCode::kInternal,
                 "opening the embedded BPF object failed: " + ErrnoText(errno) + log.Tail());
  }
  process_events* bpf = skeleton->bpf;
  ChooseProgramSet(bpf, mode);
  bpf->rodata->argv_cap = std::min<std::uint32_t>(options.argv_capture_bytes, PICKET_ARGS_CAP_MAX);
  bpf->rodata->env_cap =
      options.capture_env ? std::min<std::uint32_t>(options.env_capture_bytes, PICKET_ARGS_CAP_MAX)
                          : 0;
  bpf->rodata->wakeup_threshold = options.wakeup_threshold_bytes;
  if (int err = bpf_map__set_max_entries(bpf->maps.events, RingSize(options.ring_size_bytes));
      err != 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "setting the ring buffer size failed: " + ErrnoText(err));
  }

  if (int err = process_events__load(bpf); err != 0) {
    std::string message = "the kernel refused picket's " + std::string(AttachModeName(mode)) +
                          " BPF programs (" + ErrnoText(err) + ")";
    if (err == -EPERM) {
      message += "; as root this usually means kernel lockdown or a security module forbids it";
    }
    return Error(ErrorCode::kUnsupported, message + ":" + log.Tail());
  }
  if (int err = process_events__attach(bpf); err != 0) {
    return Error(ErrorCode::kUnsupported,
                 "attaching picket's " + std::string(AttachModeName(mode)) +
                     " programs to sched_process_{fork,exec,exit} and cgroup_rename failed (" +
                     ErrnoText(err) + "):" + log.Tail());
  }
  return skeleton;
}
}  // namespace

std::string_view AttachModeName(AttachMode mode) {
  switch (mode) {
    case AttachMode::kAuto:
      return "auto";
    case AttachMode::kTpBtf:
      return "tp_btf";
    case AttachMode::kRawTp:
      return "raw_tp";
  }
  return "unknown";
}

std::uint64_t CollectorStats::malformed_total() const {
  return std::accumulate(malformed.begin(), malformed.end(), std::uint64_t{0});
}

Result<std::unique_ptr<Collector>> Collector::Open(const CollectorOptions& options) {
  if (Status ready = CheckPrerequisites(); !ready) return ready.error();

  LibbpfLogCapture log;
  std::vector<AttachMode> modes;
  if (options.attach_mode == AttachMode::kAuto) {
    modes = {AttachMode::kTpBtf, AttachMode::kRawTp};
  } else {
    modes = {options.attach_mode};
  }
  std::string refusals;
  for (AttachMode mode : modes) {
    Result<std::unique_ptr<Skeleton>> loaded = LoadSkeleton(options, mode, log);
    if (!loaded) {
      if (!refusals.empty()) refusals += "\n";
      refusals += loaded.error().message();
      if (mode != modes.back()) continue;
      return Error(loaded.error().code(), refusals);
    }
    std::unique_ptr<Collector> collector(new Collector(std::move(*loaded), mode, options));
    Skeleton& skeleton = *collector->skeleton_;
    skeleton.ring = ring_buffer__new(bpf_map__fd(skeleton.bpf->maps.events),
                                     &Collector::HandleSample, collector.get(), nullptr);
    if (skeleton.ring == nullptr) {
      return Error(ErrorCode::kUnsupported,
                   "opening the BPF ring buffer failed: " + ErrnoText(errno) + log.Tail());
    }
    skeleton.forced_wakeups_fd = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ring_event{.events = EPOLLIN | EPOLLET, .data = {.u64 = 0}};
    if (skeleton.forced_wakeups_fd < 0 ||
        epoll_ctl(skeleton.forced_wakeups_fd, EPOLL_CTL_ADD, bpf_map__fd(skeleton.bpf->maps.events),
                  &ring_event) != 0) {
      return Error(ErrorCode::kInternal,
                   "watching the BPF ring buffer for wake-ups failed: " + ErrnoText(errno));
    }
    return collector;
  }
  return Error(ErrorCode::kInternal, "no attach mode to try");
}

Collector::Collector(std::unique_ptr<Skeleton> skeleton, AttachMode mode, CollectorOptions options)
    : skeleton_(std::move(skeleton)), attach_mode_(mode), options_(options) {
  decode_options_.boot_to_realtime_offset_ns = BootToRealtimeOffsetNs();
  struct stat self_mnt_ns {};
  if (stat("/proc/self/ns/mnt", &self_mnt_ns) == 0) {
    own_mount_namespace_ = static_cast<std::uint32_t>(self_mnt_ns.st_ino);
  }
}

Collector::~Collector() = default;

Result<std::size_t> Collector::Poll(std::chrono::milliseconds timeout,
                                    const EventCallback& on_event) {
  current_callback_ = &on_event;
  consumed_in_poll_ = 0;
  int polled = ring_buffer__poll(skeleton_->ring, static_cast<int>(timeout.count()));
  current_callback_ = nullptr;
  if (polled < 0 && polled != -EINTR) {
    return Error(ErrorCode::kInternal, "polling the BPF ring buffer failed: " + ErrnoText(polled));
  }
  const std::size_t woken_with = consumed_in_poll_;
  // With batched wake-ups the wait ends on timeout while records below the
  // threshold are pending; poll() does not read them then, so drain here.
  Result<std::size_t> drained = Drain(on_event);
  if (!drained.has_value()) return drained;
  return woken_with + *drained;
}

Result<std::size_t> Collector::Drain(const EventCallback& on_event) {
  // Re-arms the urgent wake-up before reading: an urgent exec recorded from
  // here on forces its own wake-up even if this drain already consumes it
  // (one drain too many), while one recorded before is consumed below.
  __atomic_store_n(&skeleton_->bpf->bss->urgent_woken, 0u, __ATOMIC_SEQ_CST);
  current_callback_ = &on_event;
  consumed_in_poll_ = 0;
  int drained = ring_buffer__consume(skeleton_->ring);
  current_callback_ = nullptr;
  // Re-arms the BPF side's threshold wake-up (it forces one per drain).
  __atomic_store_n(&skeleton_->bpf->bss->threshold_woken, 0u, __ATOMIC_SEQ_CST);
  batch_start_ns_ = MonotonicNs();
  if (drained < 0) {
    return Error(ErrorCode::kInternal,
                 "draining the BPF ring buffer failed: " + ErrnoText(drained));
  }
  return consumed_in_poll_;
}

Result<bool> Collector::WaitForRecord(std::chrono::milliseconds timeout, int extra_fd) {
  // The flag lives in the program's mmapped .bss; the BPF side clears it
  // when it forces the wake-up, this side when the wait ends another way.
  volatile std::uint32_t* idle = &skeleton_->bpf->bss->consumer_idle;
  __atomic_store_n(idle, 1u, __ATOMIC_SEQ_CST);
  // The ring's epoll fd is readable once a forced wake-up queued the ring
  // (level-triggered: re-checked on every poll, so a drained ring is not).
  pollfd fds[2] = {{.fd = ring_buffer__epoll_fd(skeleton_->ring), .events = POLLIN, .revents = 0},
                   {.fd = extra_fd, .events = POLLIN, .revents = 0}};
  int ready = poll(fds, extra_fd >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
  const int poll_errno = errno;
  __atomic_store_n(idle, 0u, __ATOMIC_SEQ_CST);
  // The wake-up that ended this wait also queued the edge-triggered set;
  // the batching sleep that follows must not end on it. A batch starts with
  // its first record, unless that record is urgent: then the last drain
  // still counts, and the sleep ends as soon as the minimum interval allows.
  ConsumeForcedWakeUps();
  if (ready > 0 && __atomic_load_n(&skeleton_->bpf->bss->urgent_woken, __ATOMIC_SEQ_CST) == 0) {
    batch_start_ns_ = MonotonicNs();
  }
  if (ready < 0 && poll_errno != EINTR) {
    return Error(ErrorCode::kInternal,
                 "waiting on the BPF ring buffer failed: " + ErrnoText(-poll_errno));
  }
  return ready > 0 && (fds[0].revents & POLLIN) != 0;
}

Result<Collector::WakeReason> Collector::SleepUntilWoken(std::chrono::milliseconds interval,
                                                         std::chrono::milliseconds min_interval,
                                                         int extra_fd) {
  const auto* bss = skeleton_->bpf->bss;
  const auto ns = [](std::chrono::milliseconds ms) {
    return static_cast<std::uint64_t>(std::chrono::nanoseconds(ms).count());
  };
  const std::uint64_t wake_at = batch_start_ns_ + ns(interval);
  const std::uint64_t earliest = batch_start_ns_ + ns(std::min(min_interval, interval));
  // A forced wake-up is recorded in these flags until the next drain, even
  // when its edge was consumed (it came during the last drain, or ended a
  // WaitForRecord()).
  const auto forced_since_drain = [bss] {
    return __atomic_load_n(&bss->urgent_woken, __ATOMIC_SEQ_CST) != 0 ||
           __atomic_load_n(&bss->threshold_woken, __ATOMIC_SEQ_CST) != 0;
  };
  bool forced = forced_since_drain();
  // After a sleep a forced wake-up ended, the next one is likely to come
  // before `earliest` too (named programs run in bursts): being woken for it
  // and sleeping again to `earliest` would cost two wake-ups per drain, so
  // the ring is looked at only from `earliest` on.
  bool watch_ring = !last_sleep_forced_;
  for (;;) {
    const std::uint64_t now = MonotonicNs();
    if (!watch_ring && now >= earliest) {
      watch_ring = true;
      forced = forced || forced_since_drain();
    }
    if (forced && now >= earliest) {
      ConsumeForcedWakeUps();
      last_sleep_forced_ = true;
      return WakeReason::kKernel;
    }
    if (now >= wake_at) {
      last_sleep_forced_ = false;
      return WakeReason::kInterval;
    }
    // Once forced, only the signal fd can end the wait sooner.
    const bool poll_ring = watch_ring && !forced;
    const std::uint64_t until = poll_ring ? wake_at : earliest;
    pollfd fds[2] = {{.fd = extra_fd, .events = POLLIN, .revents = 0},
                     {.fd = skeleton_->forced_wakeups_fd, .events = POLLIN, .revents = 0}};
    const nfds_t count = (extra_fd >= 0 ? 1 : 0) + (poll_ring ? 1 : 0);
    pollfd* first = extra_fd >= 0 ? &fds[0] : &fds[1];
    const std::uint64_t wait_ns = until - now;
    const timespec timeout{.tv_sec = static_cast<time_t>(wait_ns / 1'000'000'000),
                           .tv_nsec = static_cast<long>(wait_ns % 1'000'000'000)};
    const int ready = ppoll(first, count, &timeout, nullptr);
    const int poll_errno = errno;
    if (ready < 0) {
      if (poll_errno == EINTR) return WakeReason::kExtraFd;
      return Error(ErrorCode::kInternal,
                   "waiting on the BPF ring buffer failed: " + ErrnoText(-poll_errno));
    }
    if (extra_fd >= 0 && (fds[0].revents & POLLIN) != 0) return WakeReason::kExtraFd;
    if ((fds[1].revents & POLLIN) != 0) forced = true;
  }
}

void Collector::ConsumeForcedWakeUps() {
  // The set holds the ring alone, edge-triggered: one wait that reports it
  // takes it off the ready list until the next forced wake-up.
  epoll_event event;
  (void)epoll_wait(skeleton_->forced_wakeups_fd, &event, 1, 0);
}

Status Collector::SetUrgentExecNames(const std::vector<std::string>& names) {
  static_assert(kMaxUrgentExecNames == PICKET_URGENT_NAMES_MAX);
  volatile std::uint32_t* active = &skeleton_->bpf->bss->urgent_names_active;
  __atomic_store_n(active, 0u, __ATOMIC_SEQ_CST);
  const int fd = bpf_map__fd(skeleton_->bpf->maps.urgent_exec_names);
  // Empty the map: deleting the key just read keeps the walk valid.
  picket_exec_name key{};
  while (bpf_map_get_next_key(fd, nullptr, &key) == 0) {
    if (bpf_map_delete_elem(fd, &key) != 0) {
      return Error(ErrorCode::kInternal,
                   "clearing the urgent exec names failed: " + ErrnoText(errno));
    }
  }
  std::vector<picket_exec_name> keys;
  keys.reserve(names.size());
  for (const std::string& name : names) {
    if (name.empty()) continue;
    picket_exec_name cut{};
    std::memcpy(cut.name, name.data(), std::min(name.size(), sizeof(cut.name) - 1));
    keys.push_back(cut);
  }
  std::sort(keys.begin(), keys.end(), [](const picket_exec_name& a, const picket_exec_name& b) {
    return std::memcmp(a.name, b.name, sizeof(a.name)) < 0;
  });
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [](const picket_exec_name& a, const picket_exec_name& b) {
                           return std::memcmp(a.name, b.name, sizeof(a.name)) == 0;
                         }),
             keys.end());
  if (keys.size() > kMaxUrgentExecNames) {
    return Error(ErrorCode::kInvalidArgument, std::to_string(keys.size()) +
                                                  " urgent exec names, at most " +
                                                  std::to_string(kMaxUrgentExecNames) +
                                                  ": every exec waits for the batching interval");
  }
  const std::uint8_t present = 1;
  for (const picket_exec_name& cut : keys) {
    if (bpf_map_update_elem(fd, &cut, &present, BPF_ANY) != 0) {
      return Error(ErrorCode::kInternal,
                   "loading the urgent exec names failed: " + ErrnoText(errno));
    }
  }
  __atomic_store_n(active, keys.empty() ? 0u : 1u, __ATOMIC_SEQ_CST);
  return {};
}

int Collector::HandleSample(void* ctx, void* data, std::size_t size) {
  auto* self = static_cast<Collector*>(ctx);
  ++self->consumed_in_poll_;
  decode::DecodeResult decoded = decode::Decode(
      std::span<const std::byte>(static_cast<const std::byte*>(data), size), self->decode_options_);
  if (!decoded) {
    ++self->user_stats_.malformed[static_cast<std::size_t>(decoded.error())];
    return 0;
  }
  events::Event& event = decoded.value();  // handed on without another move
  if (auto* exec = std::get_if<events::ExecEvent>(&event)) {
    ++self->user_stats_.delivered_exec;
    self->StatScriptFile(*exec);
  } else if (std::holds_alternative<events::ForkEvent>(event)) {
    ++self->user_stats_.delivered_fork;
  } else {
    ++self->user_stats_.delivered_exit;
  }
  if (self->current_callback_ != nullptr) (*self->current_callback_)(std::move(event));
  return 0;
}

void Collector::StatScriptFile(events::ExecEvent& exec) const {
  // The path names the script in the exec'ing process's mount namespace;
  // only ours can be resolved from here.
  if (!options_.stat_script_files || !exec.has_flag(events::kExecScript) ||
      exec.file.path.empty() || exec.file.path.front() != '/' ||
      exec.namespaces.mnt != own_mount_namespace_) {
    return;
  }
  struct statx info {};
  if (statx(AT_FDCWD, exec.file.path.c_str(), 0, STATX_BASIC_STATS | STATX_MNT_ID, &info) != 0) {
    return;  // already gone: SECL zero values
  }
  events::FileInfo& file = exec.file;
  file.inode = info.stx_ino;
  file.dev_major = info.stx_dev_major;
  file.dev_minor = info.stx_dev_minor;
  file.mode = info.stx_mode;
  file.uid = info.stx_uid;
  file.gid = info.stx_gid;
  file.nlink = info.stx_nlink;
  file.modification_time_ns =
      static_cast<std::uint64_t>(info.stx_mtime.tv_sec) * 1'000'000'000 + info.stx_mtime.tv_nsec;
  file.change_time_ns =
      static_cast<std::uint64_t>(info.stx_ctime.tv_sec) * 1'000'000'000 + info.stx_ctime.tv_nsec;
  if (info.stx_mask & STATX_MNT_ID) file.mount_id = static_cast<std::uint32_t>(info.stx_mnt_id);
  // The script usually shares the interpreter's filesystem only by chance;
  // its type is not known without parsing mountinfo.
}

CollectorStats Collector::Stats() const {
  CollectorStats stats = user_stats_;
  const int cpus = libbpf_num_possible_cpus();
  if (cpus <= 0) return stats;
  std::vector<std::uint64_t> per_cpu(static_cast<std::size_t>(cpus));
  std::uint64_t totals[PICKET_COUNTER_COUNT] = {};
  const int fd = bpf_map__fd(skeleton_->bpf->maps.counters);
  for (std::uint32_t key = 0; key < PICKET_COUNTER_COUNT; ++key) {
    if (bpf_map_lookup_elem(fd, &key, per_cpu.data()) != 0) continue;
    totals[key] = std::accumulate(per_cpu.begin(), per_cpu.end(), std::uint64_t{0});
  }
  stats.emitted_fork = totals[PICKET_COUNTER_EMITTED_FORK];
  stats.emitted_exec = totals[PICKET_COUNTER_EMITTED_EXEC];
  stats.emitted_exit = totals[PICKET_COUNTER_EMITTED_EXIT];
  stats.lost_fork = totals[PICKET_COUNTER_LOST_FORK];
  stats.lost_exec = totals[PICKET_COUNTER_LOST_EXEC];
  stats.lost_exit = totals[PICKET_COUNTER_LOST_EXIT];
  stats.cgroup_cache_hits = totals[PICKET_COUNTER_CGROUP_CACHE_HIT];
  stats.cgroup_cache_misses = totals[PICKET_COUNTER_CGROUP_CACHE_MISS];
  stats.threshold_wakeups = totals[PICKET_COUNTER_THRESHOLD_WAKEUPS];
  stats.urgent_wakeups = totals[PICKET_COUNTER_URGENT_WAKEUPS];
  return stats;
}

std::vector<ProgramInfo> Collector::Programs() const {
  std::vector<ProgramInfo> programs;
  bpf_program* program = nullptr;
  bpf_object__for_each_program(program, skeleton_->bpf->obj) {
    int fd = bpf_program__fd(program);
    if (fd < 0) continue;  // not loaded (the other attach mode)
    bpf_prog_info info{};
    std::uint32_t length = sizeof(info);
    if (bpf_obj_get_info_by_fd(fd, &info, &length) != 0) continue;
    programs.push_back({bpf_program__name(program), info.id});
  }
  return programs;
}

}  // namespace picket::probe
