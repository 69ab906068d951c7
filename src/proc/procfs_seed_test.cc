#include "proc/procfs_seed.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace picket::proc {
namespace {

namespace fs = std::filesystem;

// A fake /proc in a temporary directory, one process at a time.
class FakeProc {
 public:
  FakeProc() {
    std::string pattern = (fs::temp_directory_path() / "picket-fakeproc-XXXXXX").string();
    root_ = ::mkdtemp(pattern.data());
  }
  ~FakeProc() { fs::remove_all(root_); }

  struct Spec {
    std::uint32_t pid = 0;
    std::uint32_t ppid = 0;
    std::string comm;
    std::uint64_t start_ticks = 0;
    std::uint32_t tty_nr = 0;
    std::string cmdline;  // NUL-separated, as the kernel writes it
    std::string exe;      // a file under root() to link to; "" for no exe link
    std::string status =
        "Uid:\t1000\t1001\t1002\t1003\nGid:\t50\t51\t52\t53\n"
        "CapPrm:\t00000000000000ff\nCapEff:\t0000000000000003\n";
    std::string cgroup = "0::/user.slice/session-1.scope\n";
  };

  void Add(const Spec& spec) {
    fs::path dir = root_ / std::to_string(spec.pid);
    fs::create_directories(dir / "ns");
    Write(dir / "stat", std::to_string(spec.pid) + " (" + spec.comm + ") S " +
                            std::to_string(spec.ppid) + " 1 1 " + std::to_string(spec.tty_nr) +
                            " -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 " +
                            std::to_string(spec.start_ticks) + " 1000 100\n");
    Write(dir / "comm", spec.comm + "\n");
    Write(dir / "cmdline", spec.cmdline);
    Write(dir / "status", spec.status);
    Write(dir / "cgroup", spec.cgroup);
    Write(dir / "loginuid", "1000");
    Write(dir / "sessionid", "7");
    fs::create_symlink("mnt:[4026531841]", dir / "ns" / "mnt");
    fs::create_symlink("pid:[4026531836]", dir / "ns" / "pid");
    if (!spec.exe.empty()) fs::create_symlink(root_ / spec.exe, dir / "exe");
  }

  void Write(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
  }

  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

TEST(ProcfsSeedTest, BuildsLinkedImagesParentsFirst) {
  FakeProc proc;
  proc.Write(proc.root() / "bin" / "bash", "#!");
  proc.Write(proc.root() / "tmp" / "x.sh", "#!/bin/sh");
  // Listed child-first on purpose: readdir order is arbitrary.
  proc.Add({.pid = 300,
            .ppid = 200,
            .comm = "x.sh",
            .start_ticks = 500,
            .cmdline = std::string("/bin/sh\0/tmp/x.sh\0a b\0", 22),
            .exe = "bin/bash"});
  proc.Add({.pid = 200,
            .ppid = 1,
            .comm = "bash",
            .start_ticks = 300,
            .tty_nr = 0x8803,
            .cmdline = std::string("-bash\0", 6),
            .exe = "bin/bash"});
  proc.Add({.pid = 1,
            .ppid = 0,
            .comm = "init",
            .start_ticks = 2,
            .cmdline = std::string("/sbin/init\0splash\0", 18)});  // exe denied
  proc.Write(proc.root() / "self", "not a pid directory");

  Result<ProcfsSeed> seed = ReadProcfs({.proc_root = proc.root().string(),
                                        .cgroup_root = "/nonexistent",
                                        .boot_to_realtime_offset_ns = 1'000'000'000'000,
                                        .clock_ticks_per_second = 100});
  ASSERT_TRUE(seed.has_value()) << seed.error().message();
  ASSERT_EQ(seed->images.size(), 3u);
  EXPECT_EQ(seed->vanished, 0u);
  EXPECT_EQ(seed->images[0]->key.pid, 1u);
  EXPECT_EQ(seed->images[1]->key.pid, 200u);
  EXPECT_EQ(seed->images[2]->key.pid, 300u);

  const Process& init = *seed->images[0];
  EXPECT_EQ(init.lineage_parent, nullptr);
  EXPECT_EQ(init.file.path, "/sbin/init");  // argv[0] fallback
  EXPECT_EQ(init.key.start_time_ns, 1'000'000'000'000 + 2 * 10'000'000ULL);

  const Process& script = *seed->images[2];
  EXPECT_TRUE(script.from_seed);
  EXPECT_EQ(script.lineage_parent.get(), seed->images[1].get());
  EXPECT_EQ(script.parent_key, seed->images[1]->key);
  EXPECT_EQ(script.argv, (std::vector<std::string>{"/bin/sh", "/tmp/x.sh", "a b"}));
  EXPECT_EQ(script.comm, "x.sh");
  EXPECT_EQ(script.file.path, (proc.root() / "bin" / "bash").string());
  struct stat st {};
  ASSERT_EQ(::stat((proc.root() / "bin" / "bash").c_str(), &st), 0);
  EXPECT_EQ(script.file.inode, st.st_ino);
  EXPECT_EQ(script.file.mode, st.st_mode);
  EXPECT_EQ(script.credentials.uid, 1000u);
  EXPECT_EQ(script.credentials.euid, 1001u);
  EXPECT_EQ(script.credentials.fsuid, 1003u);
  EXPECT_EQ(script.credentials.egid, 51u);
  EXPECT_EQ(script.credentials.cap_permitted, 0xffu);
  EXPECT_EQ(script.credentials.cap_effective, 3u);
  EXPECT_EQ(script.credentials.auid, 1000u);
  EXPECT_EQ(script.credentials.session_id, 7u);
  EXPECT_EQ(script.cgroup_path, "/user.slice/session-1.scope");
  EXPECT_EQ(script.namespaces.mnt, 4026531841u);
  EXPECT_EQ(script.namespaces.pid, 4026531836u);
  EXPECT_EQ(script.namespaces.net, 0u);
  EXPECT_EQ(seed->images[1]->tty, "pts3");
  EXPECT_EQ(script.tty, "");

  ProcessTree tree;
  EXPECT_EQ(tree.Seed(seed->images), 3u);
  AncestorList ancestors = tree.Ancestors(*tree.Find(300));
  ASSERT_EQ(ancestors.images.size(), 2u);
  EXPECT_EQ(ancestors.images[0]->comm, "bash");
  EXPECT_EQ(ancestors.images[1]->comm, "init");
  EXPECT_EQ(tree.stats().seeded, 3u);
}

TEST(ProcfsSeedTest, ParsesCommWithSpacesAndParentheses) {
  FakeProc proc;
  proc.Add({.pid = 5, .ppid = 0, .comm = "a) (b c", .start_ticks = 9});
  ::unlink((proc.root() / "5" / "comm").c_str());  // fall back to stat's comm
  Result<ProcfsSeed> seed = ReadProcfs({.proc_root = proc.root().string()});
  ASSERT_TRUE(seed.has_value());
  ASSERT_EQ(seed->images.size(), 1u);
  EXPECT_EQ(seed->images[0]->comm, "a) (b c");
  EXPECT_EQ(seed->images[0]->key.start_time_ns, 90'000'000u);
}

TEST(ProcfsSeedTest, SkipsProcessesWhoseStatIsGoneOrGarbled) {
  FakeProc proc;
  proc.Add({.pid = 7, .ppid = 0, .comm = "ok", .start_ticks = 1});
  proc.Write(proc.root() / "8" / "comm", "gone\n");  // no stat: exited mid-scan
  proc.Write(proc.root() / "9" / "stat", "9 (short) S 1\n");
  Result<ProcfsSeed> seed = ReadProcfs({.proc_root = proc.root().string()});
  ASSERT_TRUE(seed.has_value());
  EXPECT_EQ(seed->images.size(), 1u);
  EXPECT_EQ(seed->vanished, 2u);
}

TEST(ProcfsSeedTest, MissingRootIsAnError) {
  Result<ProcfsSeed> seed = ReadProcfs({.proc_root = "/nonexistent/proc"});
  ASSERT_FALSE(seed.has_value());
  EXPECT_EQ(seed.error().code(), ErrorCode::kNotFound);
}

TEST(ProcfsSeedTest, TtyNames) {
  struct Case {
    std::uint32_t tty_nr;
    std::string_view name;
  };
  const Case cases[] = {
      {0, ""},
      {(136 << 8) | 0, "pts0"},
      {(137 << 8) | 2, "pts258"},
      {(4 << 8) | 1, "tty1"},
      {(4 << 8) | 64, "ttyS0"},
      {(5 << 8) | 1, "console"},
      {(136 << 8) | (1 << 20), "pts256"},  // minor's high bits live above the major
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.tty_nr);
    EXPECT_EQ(TtyNameFromDevice(c.tty_nr), c.name);
  }
}

// The real /proc: this test process must be found with its ancestors, and
// its start time must agree with the kernel's (via /proc/self/stat).
TEST(ProcfsSeedTest, SeedsThisProcessFromRealProc) {
  ProcessTree tree;
  Result<std::size_t> added = SeedFromProcfs(
      tree, {.clock_ticks_per_second = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK))});
  ASSERT_TRUE(added.has_value()) << added.error().message();
  EXPECT_GT(*added, 1u);
  ConstProcessPtr self = tree.Find(static_cast<std::uint32_t>(::getpid()));
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->file.path, fs::read_symlink("/proc/self/exe").string());
  EXPECT_EQ(self->parent_key.pid, static_cast<std::uint32_t>(::getppid()));
  if (::getppid() != 0 && tree.Find(static_cast<std::uint32_t>(::getppid())) != nullptr) {
    EXPECT_FALSE(tree.Ancestors(*self).images.empty());
  }
}

}  // namespace
}  // namespace picket::proc
