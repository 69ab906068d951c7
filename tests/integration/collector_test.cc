// Kernel collection end to end: real execs observed through the loaded BPF
// programs, decoded, and checked field by field (issue 3 "Must show").
// Needs root and kernel BTF; otherwise every test is skipped with the reason.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support.h"

extern "C" {
#include "abi/process_events.h"
}

namespace picket::integration {
namespace {

using events::ExecEvent;

// execve() with argv given as strings (embedded NULs impossible by nature).
void Exec(const std::string& path, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  execve(path.c_str(), argv.data(), environ);
}

class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
    collector_ = OpenCollector();
    ASSERT_NE(collector_, nullptr);
  }

  void TearDown() override {
    if (collector_ == nullptr) return;
    probe::CollectorStats stats = collector_->Stats();
    EXPECT_EQ(stats.lost(), 0u);
    EXPECT_EQ(stats.malformed_total(), 0u);
  }

  // The single exec record of `pid`; fails the test if there is not exactly one.
  const ExecEvent& OnlyExecOf(pid_t pid) {
    static const ExecEvent kNone;
    auto execs = log_.ExecsOf(static_cast<std::uint32_t>(pid));
    EXPECT_EQ(execs.size(), 1u) << "exec records for pid " << pid;
    return execs.empty() ? kNone : *execs.front();
  }

  std::unique_ptr<probe::Collector> collector_;
  EventLog log_;
};

TEST_F(CollectorTest, ArgvWithSpacesQuotesNewlinesAndNonUtf8RoundTripsExactly) {
  const std::vector<std::string> args = {"/bin/true",          "two words", "q\"uo'te", "new\nline",
                                         "\xff\xfe\x80 bytes", "",          "tab\there"};
  pid_t pid = RunAndCollect(*collector_, log_, [&] { Exec("/bin/true", args); });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.argv, args);
  EXPECT_FALSE(exec.has_flag(events::kExecArgsTruncated));
  std::uint32_t area = 0;
  for (const std::string& arg : args) area += arg.size() + 1;
  EXPECT_EQ(exec.args_size, area);
}

TEST_F(CollectorTest, TenThousandArgumentsAreTruncatedWithFlagAndOriginalSize) {
  std::vector<std::string> args = {"/bin/true"};
  args.insert(args.end(), 10'000, "arg");
  pid_t pid = RunAndCollect(*collector_, log_, [&] { Exec("/bin/true", args); });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_TRUE(exec.has_flag(events::kExecArgsTruncated));
  EXPECT_EQ(exec.args_size, 10u + 10'000u * 4u);
  ASSERT_GT(exec.argv.size(), 100u);
  EXPECT_LT(exec.argv.size(), 10'001u);
  std::size_t captured = 0;
  for (const std::string& arg : exec.argv) captured += arg.size() + 1;
  EXPECT_LE(captured, 4096u + 1);  // the cut last piece has no NUL
  EXPECT_EQ(exec.argv.front(), "/bin/true");
  for (std::size_t i = 1; i + 1 < exec.argv.size(); ++i) ASSERT_EQ(exec.argv[i], "arg") << i;
}

TEST_F(CollectorTest, FexecveOfAMemfdShowsTheMemfdPathAndFlags) {
  int memfd = -1;
  pid_t pid = RunAndCollect(*collector_, log_, [&] {
    int fd = memfd_create("picket-payload", 0);
    int binary = open("/bin/true", O_RDONLY);
    char buffer[65536];
    ssize_t n;
    while ((n = read(binary, buffer, sizeof(buffer))) > 0) {
      if (write(fd, buffer, n) != n) _exit(126);
    }
    char* const argv[] = {const_cast<char*>("innocent-name"), nullptr};
    fexecve(fd, argv, environ);
  });
  // The child's first free descriptor is predictable: it inherits ours.
  memfd = open("/dev/null", O_RDONLY);
  close(memfd);
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.filename, "/dev/fd/" + std::to_string(memfd));
  EXPECT_EQ(exec.file.path, "/memfd:picket-payload (deleted)");
  EXPECT_TRUE(exec.has_flag(events::kExecMemfd));
  EXPECT_TRUE(exec.has_flag(events::kExecDeletedFile));
  EXPECT_TRUE(exec.has_flag(events::kExecThroughFd));
  EXPECT_FALSE(exec.has_flag(events::kExecScript));
  EXPECT_EQ(exec.file.nlink, 0u);
  // 6.14+ names the task after the dentry; older kernels after "/dev/fd/N".
  const std::set<std::string> comms = {"memfd:picket-pa", std::to_string(memfd)};
  EXPECT_TRUE(comms.count(exec.comm)) << exec.comm;
  EXPECT_EQ(exec.argv, std::vector<std::string>{"innocent-name"});
}

TEST_F(CollectorTest, ExecveatWithADirectoryFdResolvesTheFullPath) {
  int dirfd = -1;
  pid_t pid = RunAndCollect(*collector_, log_, [&] {
    int dir = open("/usr", O_PATH | O_DIRECTORY);
    char* const argv[] = {const_cast<char*>("true"), nullptr};
    syscall(SYS_execveat, dir, "bin/true", argv, environ, 0);
  });
  dirfd = open("/dev/null", O_RDONLY);
  close(dirfd);
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.filename, "/dev/fd/" + std::to_string(dirfd) + "/bin/true");
  EXPECT_EQ(exec.file.path, RealPath("/usr/bin/true"));
  EXPECT_EQ(exec.comm, "true");
  EXPECT_TRUE(exec.has_flag(events::kExecThroughFd));
  EXPECT_FALSE(exec.has_flag(events::kExecMemfd));
}

TEST_F(CollectorTest, BinaryCopiedIntoDevShmKeepsItsTmpfsPath) {
  ScratchDir dir("/dev/shm");
  const std::string copy = dir.path() + "/true-copy";
  CopyFile("/bin/true", copy, 0755);
  struct stat info {};
  ASSERT_EQ(stat(copy.c_str(), &info), 0);
  pid_t pid = RunAndCollect(*collector_, log_, [&] { Exec(copy, {copy}); });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.file.path, RealPath(copy));
  EXPECT_EQ(exec.file.filesystem, "tmpfs");
  EXPECT_EQ(exec.file.inode, info.st_ino);
  EXPECT_EQ(exec.file.mode, info.st_mode);
  EXPECT_EQ(exec.comm, "true-copy");
  EXPECT_EQ(exec.flags, 0u);
}

TEST_F(CollectorTest, PathWithSpacesAndNonAsciiCharactersIsExact) {
  ScratchDir scratch;
  const std::string dir = scratch.path() + "/dir with spaces \xc3\xa9";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  const std::string program = dir + "/pr\xc3\xb6g ram";
  CopyFile("/bin/true", program, 0755);
  pid_t pid = RunAndCollect(*collector_, log_, [&] { Exec(program, {program, "x y"}); });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.file.path, RealPath(program));
  EXPECT_EQ(exec.filename, program);
  EXPECT_EQ(exec.comm, "pr\xc3\xb6g ram");
  EXPECT_EQ(exec.argv, (std::vector<std::string>{program, "x y"}));
}

TEST_F(CollectorTest, RelativeScriptIsTheFileAndItsInterpreterIsSeparate) {
  ScratchDir scratch;
  const std::string dir = RealPath(scratch.path());
  const std::string script = dir + "/script.sh";
  WriteFile(script, "#!/bin/sh\nexit 0\n", 0755);
  struct stat info {};
  ASSERT_EQ(stat(script.c_str(), &info), 0);
  pid_t pid = RunAndCollect(*collector_, log_, [&] {
    if (chdir(dir.c_str()) != 0) _exit(126);
    Exec("./script.sh", {"./script.sh"});
  });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.filename, "./script.sh");
  EXPECT_EQ(exec.cwd, dir);
  EXPECT_EQ(exec.file.path, script);
  EXPECT_EQ(exec.file.inode, info.st_ino);
  EXPECT_EQ(exec.file.mode, info.st_mode);
  EXPECT_EQ(exec.interpreter.path, RealPath("/bin/sh"));
  EXPECT_NE(exec.interpreter.inode, 0u);
  EXPECT_TRUE(exec.has_flag(events::kExecScript));
  EXPECT_EQ(exec.comm, "script.sh");
  EXPECT_EQ(exec.argv, (std::vector<std::string>{"/bin/sh", "./script.sh"}));
}

TEST_F(CollectorTest, ExecThroughASymlinkKeepsTheLinkNameAsComm) {
  // What a busybox applet looks like: /bin/<applet> -> busybox.
  ScratchDir scratch;
  const std::string link = scratch.path() + "/applet-name";
  ASSERT_EQ(symlink("/bin/true", link.c_str()), 0);
  pid_t pid = RunAndCollect(*collector_, log_, [&] { Exec(link, {"applet-name"}); });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.comm, "applet-name");
  EXPECT_EQ(exec.filename, link);
  EXPECT_EQ(exec.file.path, RealPath("/bin/true"));
}

void* ExecFromThread(void*) {
  char* const argv[] = {const_cast<char*>("true"), nullptr};
  execve("/bin/true", argv, environ);
  return nullptr;
}

TEST_F(CollectorTest, ExecFromANonLeaderThreadIsAttributedToTheThreadGroup) {
  pid_t pid = RunAndCollect(*collector_, log_, [&] {
    pthread_t thread;
    pthread_create(&thread, nullptr, ExecFromThread, nullptr);
    pthread_join(thread, nullptr);  // never returns: the exec ends this thread
  });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.process.pid, static_cast<std::uint32_t>(pid));
  EXPECT_NE(exec.tid, static_cast<std::uint32_t>(pid));
  EXPECT_TRUE(exec.has_flag(events::kExecFromNonLeader));
  EXPECT_EQ(exec.comm, "true");
  EXPECT_EQ(exec.file.path, RealPath("/bin/true"));
  // The threads killed by the exec do not end the process: one exit.
  EXPECT_EQ(log_.ExitsOf(static_cast<std::uint32_t>(pid)).size(), 1u);
}

TEST_F(CollectorTest, TmpScriptRunningANetworkToolIsTheScriptFileAndTheToolsParent) {
  ScratchDir scratch;
  const std::string script = RealPath(scratch.path()) + "/fetch.sh";
  // Port 9 on loopback: nothing listens, the connection is refused at once.
  WriteFile(script,
            "#!/bin/sh\ncurl --silent --max-time 5 --output /dev/null http://127.0.0.1:9/\n"
            "exit 0\n",
            0755);
  pid_t pid = RunAndCollect(*collector_, log_, [&] { Exec(script, {script}); });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.file.path, script);
  EXPECT_EQ(exec.file.path.rfind("/tmp/", 0), 0u);
  EXPECT_EQ(exec.interpreter.path, RealPath("/bin/sh"));
  EXPECT_TRUE(exec.has_flag(events::kExecScript));

  std::vector<const ExecEvent*> tools;
  for (const events::Event& event : log_.events) {
    const auto* e = std::get_if<ExecEvent>(&event);
    if (e != nullptr && e->parent.pid == static_cast<std::uint32_t>(pid)) tools.push_back(e);
  }
  ASSERT_EQ(tools.size(), 1u);
  EXPECT_EQ(tools[0]->comm, "curl");
  EXPECT_EQ(tools[0]->file.path, RealPath("/usr/bin/curl"));
  EXPECT_EQ(tools[0]->parent, exec.process);
}

TEST_F(CollectorTest, ExecStormOfTwentyThousandIsSeenExactlyOnceWithoutLoss) {
  constexpr int kWorkers = 4;
  constexpr int kExecsPerWorker = 5'000;
  constexpr int kTotal = kWorkers * kExecsPerWorker;
  // Each worker records the pid of every child it exec'd.
  auto* spawned = static_cast<pid_t*>(mmap(nullptr, sizeof(pid_t) * kTotal, PROT_READ | PROT_WRITE,
                                           MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(spawned, MAP_FAILED);
  std::set<pid_t> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.insert(SpawnChild([&, w] {
      for (int i = 0; i < kExecsPerWorker; ++i) {
        // vfork: a full fork() of this (possibly sanitizer-instrumented) test
        // process would copy its huge address space 20,000 times.
        pid_t child = vfork();
        if (child == 0) {
          char* const argv[] = {const_cast<char*>("true"), nullptr};
          execve("/bin/true", argv, environ);
          _exit(127);
        }
        spawned[w * kExecsPerWorker + i] = child;
        waitpid(child, nullptr, 0);
      }
      _exit(0);
    }));
  }
  std::set<pid_t> running = workers;
  bool complete = PumpUntil(
      *collector_, log_,
      [&](const EventLog& log) {
        for (auto it = running.begin(); it != running.end();) {
          it = waitpid(*it, nullptr, WNOHANG) == *it ? running.erase(it) : std::next(it);
        }
        if (!running.empty()) return false;
        return std::all_of(workers.begin(), workers.end(),
                           [&](pid_t w) { return log.HasExit(static_cast<std::uint32_t>(w)); });
      },
      std::chrono::seconds(600));  // a failure bound only: the test counts, it does not time
  ASSERT_TRUE(complete) << "storm did not finish";

  std::multiset<std::uint32_t> expected(spawned, spawned + kTotal);
  munmap(spawned, sizeof(pid_t) * kTotal);
  std::multiset<std::uint32_t> seen;
  std::map<std::pair<std::uint32_t, std::uint64_t>, int> per_process;
  for (const events::Event& event : log_.events) {
    const auto* exec = std::get_if<ExecEvent>(&event);
    if (exec == nullptr || !workers.count(static_cast<pid_t>(exec->parent.pid))) continue;
    seen.insert(exec->process.pid);
    ++per_process[{exec->process.pid, exec->process.start_time_ns}];
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kTotal));
  EXPECT_TRUE(seen == expected) << "the exec'd pids differ from the pids the workers spawned";
  EXPECT_EQ(per_process.size(), static_cast<std::size_t>(kTotal));
  for (const auto& [key, count] : per_process) ASSERT_EQ(count, 1) << "pid " << key.first;
  probe::CollectorStats stats = collector_->Stats();
  EXPECT_EQ(stats.lost(), 0u);
  EXPECT_EQ(stats.lost_exec, 0u);
}

// The /proc/self/cgroup path of `controller` ("" = the v2 line "0::").
std::string OwnCgroupPath(const std::string& controller) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  const std::string wanted = controller.empty() ? "0::" : ":" + controller + ":";
  while (std::getline(in, line)) {
    std::size_t at = line.find(wanted);
    if (at != std::string::npos && (controller.empty() ? at == 0 : true)) {
      return line.substr(at + wanted.size());
    }
  }
  return "";
}

std::uint64_t FileInode(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? info.st_ino : 0;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

TEST_F(CollectorTest, ExecCarriesTheCallersContextAndExitItsStatus) {
  pid_t pid = RunAndCollect(*collector_, log_, [&] { Exec("/bin/sh", {"sh", "-c", "exit 3"}); });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.parent.pid, static_cast<std::uint32_t>(getpid()));
  EXPECT_EQ(exec.namespaces.mnt, FileInode("/proc/self/ns/mnt"));
  EXPECT_EQ(exec.namespaces.pid, FileInode("/proc/self/ns/pid_for_children"));
  EXPECT_EQ(exec.namespaces.net, FileInode("/proc/self/ns/net"));
  EXPECT_EQ(exec.namespaces.cgroup, FileInode("/proc/self/ns/cgroup"));
  EXPECT_EQ(std::to_string(exec.credentials.auid), ReadText("/proc/self/loginuid"));
  EXPECT_EQ(std::to_string(exec.credentials.session_id), ReadText("/proc/self/sessionid"));
  // A v2 path when the task sits below the v2 root, else the v1 memory
  // controller's (hybrid hierarchies).
  const std::string v2 = OwnCgroupPath("");
  EXPECT_EQ(exec.cgroup_path, v2 != "/" ? v2 : OwnCgroupPath("memory"));
  EXPECT_NE(exec.cgroup_id, 0u);
  EXPECT_EQ(exec.credentials.uid, getuid());
  EXPECT_EQ(exec.credentials.cap_effective != 0, geteuid() == 0);

  auto exits = log_.ExitsOf(static_cast<std::uint32_t>(pid));
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0]->exit_status(), 3u);
  EXPECT_EQ(exits[0]->process, exec.process);
  auto forks = log_.ForksOf(static_cast<std::uint32_t>(pid));
  ASSERT_EQ(forks.size(), 1u);
  EXPECT_EQ(forks[0]->child, exec.process);
  EXPECT_EQ(forks[0]->parent.pid, static_cast<std::uint32_t>(getpid()));
}

TEST_F(CollectorTest, SetuidBinaryRunByNobodyIsFlaggedSecureExec) {
  pid_t pid = RunAndCollect(*collector_, log_, [&] {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(126);
    Exec("/usr/bin/mount", {"mount", "--version"});
  });
  const ExecEvent& exec = OnlyExecOf(pid);
  EXPECT_EQ(exec.credentials.uid, 65534u);
  EXPECT_EQ(exec.credentials.euid, 0u);
  EXPECT_EQ(exec.credentials.fsuid, 0u);
  EXPECT_EQ(exec.credentials.gid, 65534u);
  EXPECT_TRUE(exec.has_flag(events::kExecSecureExec));
  EXPECT_EQ(exec.file.mode & 04000, 04000u);
}

TEST_F(CollectorTest, ExecOnAPseudoTerminalCarriesItsTtyName) {
  if (access("/usr/bin/script", X_OK) != 0) GTEST_SKIP() << "needs script(1) from util-linux";
  const std::string marker = "tty-marker-" + std::to_string(getpid());
  // script(1) runs the command on a fresh pseudo-terminal.
  pid_t pid = RunAndCollect(*collector_, log_, [&] {
    Exec("/usr/bin/script", {"script", "--quiet", "--command", "/bin/echo " + marker, "/dev/null"});
  });
  ASSERT_GT(pid, 0);
  const ExecEvent* echo = nullptr;
  for (const events::Event& event : log_.events) {
    const auto* exec = std::get_if<ExecEvent>(&event);
    if (exec != nullptr && exec->comm == "echo" && exec->argv.size() == 2 &&
        exec->argv[1] == marker) {
      echo = exec;
    }
  }
  ASSERT_NE(echo, nullptr);
  EXPECT_EQ(echo->tty.rfind("pts", 0), 0u) << echo->tty;
  EXPECT_GT(echo->tty.size(), 3u);  // "pts" + the pty number
}

// A collector with the default options and the program set of `mode`.
std::unique_ptr<probe::Collector> OpenCollectorInMode(probe::AttachMode mode) {
  probe::CollectorOptions options;
  options.attach_mode = mode;
  return OpenCollector(options);
}

TEST(CollectorModeTest, RawTpAndTpBtfDeliverTheSameExec) {
  if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  ScratchDir scratch;
  const std::string script = RealPath(scratch.path()) + "/mode.sh";
  WriteFile(script, "#!/bin/sh\nexit 0\n", 0755);
  for (probe::AttachMode mode : {probe::AttachMode::kRawTp, probe::AttachMode::kTpBtf}) {
    SCOPED_TRACE(probe::AttachModeName(mode));
    probe::CollectorOptions options;
    options.attach_mode = mode;
    options.capture_env = true;
    auto collector = OpenCollector(options);
    ASSERT_NE(collector, nullptr);
    EXPECT_EQ(collector->attach_mode(), mode);
    EventLog log;
    pid_t pid = RunAndCollect(*collector, log, [&] {
      char* const argv[] = {const_cast<char*>(script.c_str()), const_cast<char*>("arg"), nullptr};
      char* const envp[] = {const_cast<char*>("PICKET_MARK=one two"), nullptr};
      execve(script.c_str(), argv, envp);
    });
    auto execs = log.ExecsOf(static_cast<std::uint32_t>(pid));
    ASSERT_EQ(execs.size(), 1u);
    EXPECT_EQ(execs[0]->file.path, script);
    EXPECT_EQ(execs[0]->interpreter.path, RealPath("/bin/sh"));
    EXPECT_EQ(execs[0]->argv, (std::vector<std::string>{"/bin/sh", script, "arg"}));
    EXPECT_EQ(execs[0]->envp, std::vector<std::string>{"PICKET_MARK=one two"});
    EXPECT_EQ(collector->Stats().lost(), 0u);
    std::vector<probe::ProgramInfo> programs = collector->Programs();
    EXPECT_EQ(programs.size(), 4u);  // fork, exec, exit, cgroup_rename
  }
}

// The kernel's path walk takes one step per component (plus one per mount
// crossed and one at the root) and stops after PICKET_PATH_WALK_MAX steps. A
// binary nested well inside that bound comes out whole; one nested beyond it
// keeps its innermost components and is flagged. Both program sets cut the
// same way (the tp_btf set walks the first mount with direct loads, then
// hands over to the walk raw_tp uses throughout).
TEST(CollectorModeTest, PathsBeyondTheKernelWalkAreCutTheSameWayInBothModes) {
  if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  ScratchDir scratch;
  const std::string root = RealPath(scratch.path());
  const auto components_of = [](const std::string& path) {
    return static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
  };
  ASSERT_LT(components_of(root) + 20, std::size_t{PICKET_PATH_WALK_MAX});
  // Directories d/d/... so that `shallow` has PICKET_PATH_WALK_MAX - 10
  // components in all and `deep` PICKET_PATH_WALK_MAX + 16.
  std::string dir = root;
  std::string shallow;
  std::string deep;
  constexpr std::size_t kWalkMax = PICKET_PATH_WALK_MAX;
  while (components_of(dir) + 1 < kWalkMax + 16) {
    dir += "/d";
    ASSERT_EQ(mkdir(dir.c_str(), 0755), 0) << dir;
    if (components_of(dir) + 1 == kWalkMax - 10) shallow = dir + "/true-shallow";
  }
  deep = dir + "/true-deep";
  CopyFile("/bin/true", shallow, 0755);
  CopyFile("/bin/true", deep, 0755);
  for (probe::AttachMode mode : {probe::AttachMode::kRawTp, probe::AttachMode::kTpBtf}) {
    SCOPED_TRACE(probe::AttachModeName(mode));
    auto collector = OpenCollectorInMode(mode);
    ASSERT_NE(collector, nullptr);
    EventLog log;
    const pid_t shallow_pid = RunAndCollect(*collector, log, [&] { Exec(shallow, {shallow}); });
    const pid_t deep_pid = RunAndCollect(*collector, log, [&] { Exec(deep, {deep}); });
    auto shallow_execs = log.ExecsOf(static_cast<std::uint32_t>(shallow_pid));
    auto deep_execs = log.ExecsOf(static_cast<std::uint32_t>(deep_pid));
    ASSERT_EQ(shallow_execs.size(), 1u);
    ASSERT_EQ(deep_execs.size(), 1u);
    EXPECT_EQ(shallow_execs[0]->file.path, shallow);
    EXPECT_FALSE(shallow_execs[0]->has_flag(events::kExecPathTruncated));
    const std::string& cut = deep_execs[0]->file.path;
    EXPECT_TRUE(deep_execs[0]->has_flag(events::kExecPathTruncated));
    EXPECT_LT(cut.size(), deep.size());
    EXPECT_TRUE(deep.ends_with(cut)) << cut;
    EXPECT_EQ(components_of(cut), kWalkMax) << cut;
    EXPECT_EQ(collector->Stats().lost(), 0u);
  }
}

// Where a cgroup hierarchy of `type` ("cgroup2", or "cgroup" with option
// `option`) is mounted; "" when it is not.
std::string CgroupMount(const std::string& type, const std::string& option = "") {
  std::ifstream in("/proc/mounts");
  std::string device, dir, fstype, options;
  while (in >> device >> dir >> fstype >> options) {
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    if (fstype != type) continue;
    if (option.empty() || ("," + options + ",").find("," + option + ",") != std::string::npos) {
      return dir;
    }
  }
  return "";
}

// A cgroup directory made for one test and removed (rmdir) at the end; its
// processes must have exited by then.
class ScopedCgroup {
 public:
  ScopedCgroup(std::string mount, std::string path)
      : mount_(std::move(mount)), path_(std::move(path)) {
    made_ = mkdir((mount_ + path_).c_str(), 0755) == 0;
  }
  ~ScopedCgroup() {
    if (made_) rmdir((mount_ + path_).c_str());
  }
  ScopedCgroup(const ScopedCgroup&) = delete;
  ScopedCgroup& operator=(const ScopedCgroup&) = delete;

  bool made() const { return made_; }
  // The path below the hierarchy's root, as the collector reports it.
  const std::string& path() const { return path_; }
  bool Rename(const std::string& new_path) {
    if (rename((mount_ + path_).c_str(), (mount_ + new_path).c_str()) != 0) return false;
    path_ = new_path;
    return true;
  }
  // Runs in a child: moves the calling process here, then execs /bin/true.
  void ExecTrueInside() const {
    const std::string procs = mount_ + path_ + "/cgroup.procs";
    int fd = open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) _exit(126);
    close(fd);
    Exec("/bin/true", {"true"});
  }

 private:
  std::string mount_;
  std::string path_;
  bool made_ = false;
};

// The kernel side caches each cgroup path it walks (keyed by the cgroup's
// kernfs id): the second exec in a cgroup copies the path from the cache and
// must carry the same path as the first, in both program sets. A cgroup v1
// directory can be renamed; the exec after a rename must carry the new path,
// not the cached one.
TEST(CollectorModeTest, CgroupPathsComeFromTheCacheAndFollowARename) {
  if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  const std::string v2_mount = CgroupMount("cgroup2");
  if (v2_mount.empty()) GTEST_SKIP() << "no cgroup2 hierarchy mounted";
  // v1 paths are reported only for a task at the v2 root (hybrid hosts).
  const std::string v1_mount = CgroupMount("cgroup", "memory");
  const bool hybrid = !v1_mount.empty() && OwnCgroupPath("") == "/";
  const std::string tag = "/picket-cgroup-cache-" + std::to_string(getpid());
  for (probe::AttachMode mode : {probe::AttachMode::kRawTp, probe::AttachMode::kTpBtf}) {
    SCOPED_TRACE(probe::AttachModeName(mode));
    auto collector = OpenCollectorInMode(mode);
    ASSERT_NE(collector, nullptr);
    EventLog log;
    const auto exec_in = [&](const ScopedCgroup& cgroup) {
      const pid_t pid = RunAndCollect(*collector, log, [&] { cgroup.ExecTrueInside(); });
      auto execs = log.ExecsOf(static_cast<std::uint32_t>(pid));
      return execs.size() == 1 ? execs[0]->cgroup_path
                               : "(" + std::to_string(execs.size()) + " execs)";
    };
    {
      // A v2 cgroup below the root (moving a task there needs no delegation as root).
      ScopedCgroup v2(v2_mount, tag + "-" + std::string(probe::AttachModeName(mode)));
      ASSERT_TRUE(v2.made()) << v2_mount << v2.path() << ": " << std::strerror(errno);
      const probe::CollectorStats before = collector->Stats();
      EXPECT_EQ(exec_in(v2), v2.path());
      const probe::CollectorStats after_first = collector->Stats();
      EXPECT_EQ(exec_in(v2), v2.path());
      const probe::CollectorStats after_second = collector->Stats();
      EXPECT_GE(after_first.cgroup_cache_misses, before.cgroup_cache_misses + 1);
      EXPECT_GE(after_second.cgroup_cache_hits, after_first.cgroup_cache_hits + 1);
    }
    if (!hybrid) continue;  // no v1 memory hierarchy to rename in
    const std::string own_v1 = OwnCgroupPath("memory");
    ScopedCgroup v1(v1_mount, (own_v1 == "/" ? "" : own_v1) + tag + "-v1-" +
                                  std::string(probe::AttachModeName(mode)));
    ASSERT_TRUE(v1.made()) << v1_mount << v1.path() << ": " << std::strerror(errno);
    EXPECT_EQ(exec_in(v1), v1.path());
    EXPECT_EQ(exec_in(v1), v1.path());
    const std::string old_path = v1.path();
    ASSERT_TRUE(v1.Rename(old_path + "-renamed")) << std::strerror(errno);
    EXPECT_EQ(exec_in(v1), old_path + "-renamed");
    EXPECT_EQ(collector->Stats().lost(), 0u);
  }
}

// A child that waits `delay`, then forks and execs /bin/true `count` times
// in a row.
pid_t DelayedExecBurst(std::chrono::milliseconds delay, int count) {
  return SpawnChild([delay, count] {
    usleep(static_cast<useconds_t>(delay.count() * 1000));
    for (int i = 0; i < count; ++i) {
      pid_t child = fork();
      if (child == 0) {
        char* const argv[] = {const_cast<char*>("true"), nullptr};
        execve("/bin/true", argv, environ);
        _exit(127);
      }
      waitpid(child, nullptr, 0);
    }
    _exit(0);
  });
}

TEST(CollectorLossTest, ARingTooSmallForAStalledConsumerCountsItsLosses) {
  if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  probe::CollectorOptions options;
  options.ring_size_bytes = 4096;  // a few exec records
  auto collector = OpenCollector(options);
  ASSERT_NE(collector, nullptr);
  constexpr int kExecs = 200;
  // Nothing is consumed while the execs run.
  pid_t pid = DelayedExecBurst(std::chrono::milliseconds(0), kExecs);
  ASSERT_EQ(waitpid(pid, nullptr, 0), pid);

  probe::CollectorStats before_drain = collector->Stats();
  EXPECT_GT(before_drain.lost_exec, 0u);
  EXPECT_GE(before_drain.emitted_exec + before_drain.lost_exec, static_cast<std::uint64_t>(kExecs));
  EventLog log;
  PumpUntil(*collector, log, [](const EventLog&) { return true; });
  probe::CollectorStats after_drain = collector->Stats();
  EXPECT_GE(after_drain.delivered_exec, before_drain.emitted_exec);
  EXPECT_LE(after_drain.delivered_exec, after_drain.emitted_exec);
  EXPECT_EQ(after_drain.malformed_total(), 0u);
}

// ---- wake-ups: batched while busy, immediate when idle ---------------------

// A child that sleeps `delay`, then execs /bin/true.
pid_t DelayedTrue(std::chrono::milliseconds delay) {
  return SpawnChild([delay] {
    usleep(static_cast<useconds_t>(delay.count() * 1000));
    char* const argv[] = {const_cast<char*>("true"), nullptr};
    execve("/bin/true", argv, environ);
  });
}

void DrainAll(probe::Collector& collector, EventLog& log) {
  const probe::Collector::EventCallback keep = [&log](events::Event&& event) {
    log.events.push_back(std::move(event));
  };
  for (int i = 0; i < 100; ++i) {
    Result<std::size_t> drained = collector.Drain(keep);
    ASSERT_TRUE(drained.has_value()) << drained.error().message();
    if (*drained == 0) return;
  }
}

// A collector whose ring has just been drained.
class CollectorWakeupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
    collector = OpenCollector();
    ASSERT_NE(collector, nullptr);
    DrainAll(*collector, log);
  }

  std::unique_ptr<probe::Collector> collector;
  EventLog log;
};

// Below the batching threshold no record wakes a plain Poll(): one exec is
// delivered when the wait times out, not when it happens.
TEST_F(CollectorWakeupTest, ABusyConsumerIsNotWokenBeforeTheBatchThreshold) {
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = DelayedTrue(std::chrono::milliseconds(100));
  Result<std::size_t> polled =
      collector->Poll(std::chrono::milliseconds(1500),
                      [this](events::Event&& event) { log.events.push_back(std::move(event)); });
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(polled.has_value()) << polled.error().message();
  ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
  EXPECT_GE(waited, std::chrono::milliseconds(1400));
  EXPECT_EQ(log.ExecsOf(static_cast<std::uint32_t>(pid)).size(), 1u);
}

// After a drain that found the ring empty, WaitForRecord() sleeps without a
// timer and the first record wakes it at once.
TEST_F(CollectorWakeupTest, AnIdleConsumerIsWokenByTheFirstRecord) {
  constexpr auto kTimeout = std::chrono::milliseconds(5000);
  const auto started = std::chrono::steady_clock::now();
  pid_t pid = DelayedTrue(std::chrono::milliseconds(200));
  // Other processes of the host may wake it first: wait again until the
  // child's exec is in.
  while (log.ExecsOf(static_cast<std::uint32_t>(pid)).empty() &&
         std::chrono::steady_clock::now() - started < 2 * kTimeout) {
    Result<bool> woken = collector->WaitForRecord(kTimeout, -1);
    ASSERT_TRUE(woken.has_value()) << woken.error().message();
    DrainAll(*collector, log);
  }
  const auto seen_after = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
  ASSERT_EQ(log.ExecsOf(static_cast<std::uint32_t>(pid)).size(), 1u);
  EXPECT_LT(seen_after, std::chrono::milliseconds(1500));  // not the 5 s timeout
}

// Past the threshold the BPF side forces one wake-up and no more until the
// consumer drains: a burst of records nobody consumes yet costs one forced
// wake-up, not one per record; the drain re-arms it for the next burst.
TEST(CollectorThresholdTest, ABurstPastTheThresholdForcesOneWakeUpPerDrain) {
  if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  probe::CollectorOptions options;
  options.wakeup_threshold_bytes = 4096;  // a handful of exec records
  auto collector = OpenCollector(options);
  ASSERT_NE(collector, nullptr);
  EventLog log;
  DrainAll(*collector, log);
  const auto cpus = static_cast<std::uint64_t>(sysconf(_SC_NPROCESSORS_ONLN));
  constexpr int kExecs = 60;  // ~30 KiB of records, far past 4 KiB
  for (int burst = 0; burst < 2; ++burst) {
    SCOPED_TRACE("burst " + std::to_string(burst + 1));
    const probe::CollectorStats before = collector->Stats();
    pid_t pid = DelayedExecBurst(std::chrono::milliseconds(0), kExecs);
    ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
    const probe::CollectorStats after = collector->Stats();
    ASSERT_GE(after.emitted_exec - before.emitted_exec, static_cast<std::uint64_t>(kExecs));
    // One, or one per CPU that crossed the threshold at the same moment.
    EXPECT_GE(after.threshold_wakeups - before.threshold_wakeups, 1u);
    EXPECT_LE(after.threshold_wakeups - before.threshold_wakeups, cpus);
    DrainAll(*collector, log);
  }
  EXPECT_EQ(collector->Stats().lost(), 0u);
}

// A Poll() consumer is woken when a burst passes the threshold, long before
// its timeout, and again for the next burst after it drained.
TEST(CollectorThresholdTest, APollingConsumerIsWokenByEachBurstPastTheThreshold) {
  if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  probe::CollectorOptions options;
  options.wakeup_threshold_bytes = 4096;
  auto collector = OpenCollector(options);
  ASSERT_NE(collector, nullptr);
  EventLog log;
  DrainAll(*collector, log);
  const probe::Collector::EventCallback keep = [&log](events::Event&& event) {
    log.events.push_back(std::move(event));
  };
  for (int burst = 0; burst < 2; ++burst) {
    SCOPED_TRACE("burst " + std::to_string(burst + 1));
    // A level-triggered epoll keeps a descriptor it reported on its ready
    // list until a wait finds it not ready: let one wait find the drained
    // ring empty, so only a new wake-up can end the next one.
    ASSERT_TRUE(collector->Poll(std::chrono::milliseconds(0), keep).has_value());
    const auto started = std::chrono::steady_clock::now();
    pid_t pid = DelayedExecBurst(std::chrono::milliseconds(100), 60);
    Result<std::size_t> polled = collector->Poll(std::chrono::milliseconds(5000), keep);
    const auto waited = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(polled.has_value()) << polled.error().message();
    EXPECT_GT(*polled, 0u);
    EXPECT_LT(waited, std::chrono::milliseconds(2500));  // woken, not timed out
    ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
    DrainAll(*collector, log);
  }
}

// WaitForRecord() also returns when the caller's own descriptor (the agent's
// signalfd) becomes readable, with no record pending.
TEST_F(CollectorWakeupTest, AnIdleWaitEndsWhenTheExtraDescriptorIsReadable) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  ASSERT_EQ(write(pipe_fds[1], "x", 1), 1);
  const auto started = std::chrono::steady_clock::now();
  Result<bool> woken = collector->WaitForRecord(std::chrono::milliseconds(5000), pipe_fds[0]);
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(woken.has_value()) << woken.error().message();
  EXPECT_LT(waited, std::chrono::milliseconds(1000));
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

// ---- urgent execs ------------------------------------------------------------

// A child that sleeps `delay`, then execs `path`.
pid_t DelayedExec(const std::string& path, std::chrono::milliseconds delay) {
  return SpawnChild([path, delay] {
    usleep(static_cast<useconds_t>(delay.count() * 1000));
    char* const argv[] = {const_cast<char*>(path.c_str()), nullptr};
    execve(path.c_str(), argv, environ);
  });
}

// voluntary_ctxt_switches of the calling thread: how often it blocked.
std::uint64_t VoluntaryContextSwitches() {
  std::ifstream status("/proc/thread-self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("voluntary_ctxt_switches:", 0) == 0) {
      return std::stoull(line.substr(line.find(':') + 1));
    }
  }
  return 0;
}

// A collector whose ring has just been drained, and a copy of /bin/true
// under a name no other process of the host runs, longer than the 15 bytes
// the kernel keeps of a comm.
class CollectorUrgentTest : public ::testing::Test {
 protected:
  static constexpr char kNamedProgram[] = "picket-urgent-probe";

  void SetUp() override {
    if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
    program = RealPath(scratch.path()) + "/" + kNamedProgram;
    std::ifstream in("/bin/true", std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    WriteFile(program, bytes.str(), 0755);
    collector = OpenCollector();
    ASSERT_NE(collector, nullptr);
    ASSERT_TRUE(collector->SetUrgentExecNames({kNamedProgram}).has_value());
    DrainAll(*collector, log);
  }

  // One batching sleep (interval, minimum interval) from a fresh drain while
  // a child execs `path` after `delay`; the child's exec must be delivered.
  struct Sleep {
    probe::Collector::WakeReason reason = probe::Collector::WakeReason::kExtraFd;
    std::chrono::steady_clock::duration waited{};
  };
  Sleep SleepWhileExecuting(const std::string& path, std::chrono::milliseconds delay,
                            std::chrono::milliseconds interval,
                            std::chrono::milliseconds min_interval) {
    DrainAll(*collector, log);
    const auto started = std::chrono::steady_clock::now();
    pid_t pid = DelayedExec(path, delay);
    Result<probe::Collector::WakeReason> woken =
        collector->SleepUntilWoken(interval, min_interval, -1);
    Sleep sleep{.waited = std::chrono::steady_clock::now() - started};
    EXPECT_TRUE(woken.has_value()) << woken.error().message();
    if (woken.has_value()) sleep.reason = *woken;
    EXPECT_EQ(waitpid(pid, nullptr, 0), pid);
    DrainAll(*collector, log);
    EXPECT_EQ(log.ExecsOf(static_cast<std::uint32_t>(pid)).size(), 1u);
    return sleep;
  }

  ScratchDir scratch;
  std::string program;
  std::unique_ptr<probe::Collector> collector;
  EventLog log;
};

TEST_F(CollectorUrgentTest, AnExecOfANamedProgramEndsTheBatchingSleep) {
  const std::uint64_t before = collector->Stats().urgent_wakeups;
  Sleep sleep = SleepWhileExecuting(program, std::chrono::milliseconds(100),
                                    std::chrono::milliseconds(5000), std::chrono::milliseconds(0));
  EXPECT_EQ(sleep.reason, probe::Collector::WakeReason::kKernel);
  EXPECT_LT(sleep.waited, std::chrono::milliseconds(2500));  // not the 5 s interval
  EXPECT_GE(collector->Stats().urgent_wakeups - before, 1u);
}

// The comm of an exec through a symlink is the link's name; the name of the
// file it ran is looked up too.
TEST_F(CollectorUrgentTest, TheExecutedFileNameWakesWhenTheCommIsNotNamed) {
  const std::string link = RealPath(scratch.path()) + "/unnamed-link";
  ASSERT_EQ(symlink(program.c_str(), link.c_str()), 0);
  Sleep sleep = SleepWhileExecuting(link, std::chrono::milliseconds(100),
                                    std::chrono::milliseconds(5000), std::chrono::milliseconds(0));
  EXPECT_EQ(sleep.reason, probe::Collector::WakeReason::kKernel);
  EXPECT_LT(sleep.waited, std::chrono::milliseconds(2500));
}

// Other programs wait for the interval, and so does the named one once the
// names are replaced by an empty set.
TEST_F(CollectorUrgentTest, AnExecOfAnyOtherProgramWaitsForTheInterval) {
  for (bool names_cleared : {false, true}) {
    SCOPED_TRACE(names_cleared ? "names cleared, the named program" : "/bin/true");
    if (names_cleared) {
      ASSERT_TRUE(collector->SetUrgentExecNames({}).has_value());
    }
    Sleep sleep = SleepWhileExecuting(
        names_cleared ? program : std::string("/bin/true"), std::chrono::milliseconds(100),
        std::chrono::milliseconds(1500), std::chrono::milliseconds(0));
    EXPECT_EQ(sleep.reason, probe::Collector::WakeReason::kInterval);
    EXPECT_GE(sleep.waited, std::chrono::milliseconds(1400));
  }
}

TEST_F(CollectorUrgentTest, AForcedWakeUpStillLeavesTheMinimumIntervalAfterTheLastDrain) {
  Sleep sleep =
      SleepWhileExecuting(program, std::chrono::milliseconds(0), std::chrono::milliseconds(5000),
                          std::chrono::milliseconds(800));
  EXPECT_EQ(sleep.reason, probe::Collector::WakeReason::kKernel);
  EXPECT_GE(sleep.waited, std::chrono::milliseconds(750));
  EXPECT_LT(sleep.waited, std::chrono::milliseconds(2500));
}

// Named programs run in bursts (a script's shell, then its tools): after a
// sleep a forced wake-up ended, the next one does not look at the ring
// before its minimum interval, so a named exec early in the batch costs no
// wake-up of its own; the sleep still ends at the minimum interval.
TEST_F(CollectorUrgentTest, AfterAForcedSleepTheNextSleepsOnceToTheMinimumInterval) {
  SleepWhileExecuting(program, std::chrono::milliseconds(0), std::chrono::milliseconds(5000),
                      std::chrono::milliseconds(0));
  DrainAll(*collector, log);
  pid_t pid = DelayedExec(program, std::chrono::milliseconds(100));
  const std::uint64_t switches_before = VoluntaryContextSwitches();
  const auto started = std::chrono::steady_clock::now();
  Result<probe::Collector::WakeReason> woken = collector->SleepUntilWoken(
      std::chrono::milliseconds(5000), std::chrono::milliseconds(800), -1);
  const auto waited = std::chrono::steady_clock::now() - started;
  const std::uint64_t switches = VoluntaryContextSwitches() - switches_before;
  ASSERT_TRUE(woken.has_value()) << woken.error().message();
  ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
  EXPECT_EQ(*woken, probe::Collector::WakeReason::kKernel);
  EXPECT_GE(waited, std::chrono::milliseconds(700));
  EXPECT_LT(waited, std::chrono::milliseconds(2500));
  EXPECT_LE(switches, 1u);  // one sleep, not woken at the exec and put back to sleep
}

// An idle consumer woken by a record sleeps one interval before draining so
// the records behind it join the batch; woken by a named exec, it does not.
TEST_F(CollectorUrgentTest, AnIdleConsumerBatchesAfterAnyRecordButANamedExec) {
  for (bool named : {false, true}) {
    SCOPED_TRACE(named ? "named program" : "/bin/true");
    DrainAll(*collector, log);
    const auto started = std::chrono::steady_clock::now();
    pid_t pid =
        DelayedExec(named ? program : std::string("/bin/true"), std::chrono::milliseconds(100));
    Result<bool> woken = collector->WaitForRecord(std::chrono::milliseconds(5000), -1);
    ASSERT_TRUE(woken.has_value()) << woken.error().message();
    const auto woken_at = std::chrono::steady_clock::now();
    Result<probe::Collector::WakeReason> slept = collector->SleepUntilWoken(
        std::chrono::milliseconds(1000), std::chrono::milliseconds(0), -1);
    const auto now = std::chrono::steady_clock::now();
    ASSERT_TRUE(slept.has_value()) << slept.error().message();
    ASSERT_EQ(waitpid(pid, nullptr, 0), pid);
    if (named) {
      // Other processes of the host may end the idle wait first; the named
      // exec then ends the sleep.
      EXPECT_EQ(*slept, probe::Collector::WakeReason::kKernel);
      EXPECT_LT(now - started, std::chrono::milliseconds(900));
    } else if (*woken) {
      EXPECT_EQ(*slept, probe::Collector::WakeReason::kInterval);
      EXPECT_GE(now - woken_at, std::chrono::milliseconds(950));
    }
    DrainAll(*collector, log);
  }
}

// ---- clear failure (issue 3 item 6) ----------------------------------------

// Runs Collector::Open in a child constrained by `restrict` and returns the
// error message it produced ("" if Open succeeded).
std::string OpenErrorIn(const std::function<void()>& restrict) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    restrict();
    auto opened = probe::Collector::Open({});
    std::string message = opened ? std::string() : opened.error().message();
    if (write(fds[1], message.data(), message.size()) < 0) _exit(1);
    _exit(0);
  }
  close(fds[1]);
  std::string message;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) > 0) message.append(buffer, n);
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return message;
}

TEST(CollectorFailureTest, WithoutCapabilitiesOpenSaysRootIsNeeded) {
  if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  std::string message = OpenErrorIn([] {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    syscall(SYS_capset, &header, data);  // drop every capability
  });
  EXPECT_EQ(message,
            "loading eBPF programs needs root (or the capabilities CAP_BPF and CAP_PERFMON): run "
            "picket as root");
}

TEST(CollectorFailureTest, AKernelThatRefusesTheProgramsIsNamedInOneMessage) {
  if (std::string reason = KernelTestSkipReason(); !reason.empty()) GTEST_SKIP() << reason;
  std::string message = OpenErrorIn([] {
    // bpf(2) fails with EPERM, as under a lockdown or LSM that forbids it.
    sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_bpf, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog program{static_cast<unsigned short>(std::size(filter)), filter};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program);
  });
  EXPECT_NE(message.find("the kernel refused picket's tp_btf BPF programs"), std::string::npos)
      << message;
  EXPECT_NE(message.find("the kernel refused picket's raw_tp BPF programs"), std::string::npos)
      << message;
  EXPECT_NE(message.find("Operation not permitted"), std::string::npos) << message;
  std::cout << "Open() said:\n" << message << "\n";
}

}  // namespace
}  // namespace picket::integration
