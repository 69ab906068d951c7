#include "decode/decode.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "decode/record_builder_test_util.h"

namespace picket::decode {
namespace {

using testing::ExecRecordBuilder;

constexpr DecodeOptions kOptions{.boot_to_realtime_offset_ns = 1'700'000'000'000'000'000};
constexpr std::uint64_t kEpoch = 1'700'000'000'000'000'000;

DecodeResult DecodeBytes(const std::vector<std::byte>& bytes) {
  return Decode(std::span<const std::byte>(bytes), kOptions);
}

events::ExecEvent DecodeExec(ExecRecordBuilder& builder) {
  DecodeResult result = DecodeBytes(builder.Build());
  EXPECT_TRUE(result.has_value()) << MalformationName(result.error());
  if (!result) return {};
  return std::get<events::ExecEvent>(std::move(result).value());
}

TEST(DecodeTest, ForkCarriesBothProcessKeysInEpochTime) {
  DecodeResult result = DecodeBytes(testing::ForkRecord(/*child=*/42, /*parent=*/7));
  ASSERT_TRUE(result.has_value());
  const auto& fork = std::get<events::ForkEvent>(result.value());
  EXPECT_EQ(fork.timestamp_ns, kEpoch + 5'000'000'000);
  EXPECT_EQ(fork.child, (events::ProcessKey{42, kEpoch + 4'000'000'000}));
  EXPECT_EQ(fork.parent, (events::ProcessKey{7, kEpoch + 1'000'000'000}));
  EXPECT_EQ(fork.parent_tid, 8u);
  EXPECT_EQ(fork.cgroup_id, 77u);
}

TEST(DecodeTest, ExitKeepsTheRawWaitStatus) {
  DecodeResult result = DecodeBytes(testing::ExitRecord(/*pid=*/42, /*code=*/(3 << 8) | 0));
  ASSERT_TRUE(result.has_value());
  const auto& exit = std::get<events::ExitEvent>(result.value());
  EXPECT_EQ(exit.process, (events::ProcessKey{42, kEpoch + 4'000'000'000}));
  EXPECT_EQ(exit.exit_status(), 3u);
  EXPECT_EQ(exit.exit_signal(), 0u);
}

TEST(DecodeTest, ExecOfABinaryUsesTheKernelWalkAsFilePath) {
  ExecRecordBuilder builder;
  builder.fixed.header.tid = 100;
  builder.fixed.uid = 1000;
  builder.fixed.euid = 0;
  builder.fixed.file_inode = 247304;
  builder.fixed.file_dev = (254u << 20) | 3;
  builder.fixed.ns_mnt = 4026531832;
  builder.fixed.flags = PICKET_EXEC_F_SECUREEXEC;
  std::strcpy(builder.fixed.tty, "pts0");
  builder.Filename("/bin/true").Path({"usr", "bin", "true"}).Argv({"true", "--x"});
  builder.Cgroup({"system.slice", "ssh.service"});

  events::ExecEvent exec = DecodeExec(builder);
  EXPECT_EQ(exec.process, (events::ProcessKey{100, kEpoch + 4'000'000'000}));
  EXPECT_EQ(exec.parent, (events::ProcessKey{1, kEpoch + 1'000'000'000}));
  EXPECT_EQ(exec.filename, "/bin/true");
  EXPECT_EQ(exec.file.path, "/usr/bin/true");
  EXPECT_EQ(exec.file.inode, 247304u);
  EXPECT_EQ(exec.file.dev_major, 254u);
  EXPECT_EQ(exec.file.dev_minor, 3u);
  EXPECT_EQ(exec.file.filesystem, "ext4");
  EXPECT_EQ(exec.interpreter, events::FileInfo{});
  EXPECT_EQ(exec.credentials.uid, 1000u);
  EXPECT_EQ(exec.comm, "true");
  EXPECT_EQ(exec.tty, "pts0");
  EXPECT_EQ(exec.cwd, "");
  EXPECT_EQ(exec.argv, (std::vector<std::string>{"true", "--x"}));
  EXPECT_EQ(exec.cgroup_path, "/system.slice/ssh.service");
  EXPECT_EQ(exec.namespaces.mnt, 4026531832u);
  EXPECT_EQ(exec.flags, events::kExecSecureExec);
}

// Component paths are joined from the last component back. A single-letter
// or empty component (a NUL right after the previous one) must neither be
// skipped nor swallow its neighbour's terminator.
TEST(DecodeTest, ComponentPathsKeepShortAndEmptyComponents) {
  ExecRecordBuilder builder;
  builder.Filename("/x").Path({"a", "", "b"}).Cgroup({"s", "t"});
  events::ExecEvent exec = DecodeExec(builder);
  EXPECT_EQ(exec.file.path, "/a//b");
  EXPECT_EQ(exec.cgroup_path, "/s/t");
}

TEST(DecodeTest, ScriptFileIsTheScriptMadeAbsoluteAndInterpreterIsTheWalkedBinary) {
  ExecRecordBuilder builder;
  builder.fixed.file_inode = 9;
  builder.Filename("./x.sh")
      .Interp("/bin/sh")
      .Path({"usr", "bin", "dash"})
      .Cwd({"tmp", "demo"})
      .Argv({"/bin/sh", "./x.sh"});

  events::ExecEvent exec = DecodeExec(builder);
  EXPECT_TRUE(exec.has_flag(events::kExecScript));
  EXPECT_EQ(exec.file.path, "/tmp/demo/x.sh");
  EXPECT_EQ(exec.file.inode, 0u);  // filled by probe/ with stat(), not here
  EXPECT_EQ(exec.interpreter.path, "/usr/bin/dash");
  EXPECT_EQ(exec.interpreter.inode, 9u);
  EXPECT_EQ(exec.cwd, "/tmp/demo");
}

TEST(DecodeTest, MemfdExecShowsTheKernelsPathAndFlags) {
  ExecRecordBuilder builder;
  builder.fixed.file_nlink = 0;
  builder.fixed.flags = PICKET_EXEC_F_PATH_PSEUDO;
  builder.Filename("/dev/fd/3").Path({"memfd:payload"}).Argv({"innocent"});

  events::ExecEvent exec = DecodeExec(builder);
  EXPECT_EQ(exec.file.path, "/memfd:payload (deleted)");
  EXPECT_EQ(exec.flags, events::kExecMemfd | events::kExecDeletedFile | events::kExecThroughFd);
}

TEST(DecodeTest, ArgvRoundTripsEveryByteAndKeepsTheTruncatedTail) {
  const std::string area("a b\0\"q'\0new\nline\0\xff\xfe\0\0par", 24);
  ExecRecordBuilder builder;
  builder.fixed.flags = PICKET_EXEC_F_ARGS_TRUNC;
  builder.Filename("/bin/echo").ArgvArea(area, 20000);

  events::ExecEvent exec = DecodeExec(builder);
  EXPECT_EQ(exec.argv,
            (std::vector<std::string>{"a b", "\"q'", "new\nline", "\xff\xfe", "", "par"}));
  EXPECT_EQ(exec.args_size, 20000u);
  EXPECT_TRUE(exec.has_flag(events::kExecArgsTruncated));
}

TEST(DecodeTest, EnvironmentIsSplitLikeArgv) {
  ExecRecordBuilder builder;
  builder.Filename("/bin/env").EnvArea(std::string("A=1\0B=two words\0", 16));
  events::ExecEvent exec = DecodeExec(builder);
  EXPECT_EQ(exec.envp, (std::vector<std::string>{"A=1", "B=two words"}));
  EXPECT_EQ(exec.env_size, 16u);
}

TEST(DecodeTest, FlagsMapOntoExecFlags) {
  struct Case {
    std::uint32_t kernel_flags;
    std::uint32_t exec_flags;
  };
  const Case cases[] = {
      {PICKET_EXEC_F_NON_LEADER, events::kExecFromNonLeader},
      {PICKET_EXEC_F_PATH_TRUNC, events::kExecPathTruncated},
      {PICKET_EXEC_F_ENV_TRUNC, events::kExecEnvTruncated},
      {PICKET_EXEC_F_ARGS_TRUNC, events::kExecArgsTruncated},
      {PICKET_EXEC_F_SECUREEXEC, events::kExecSecureExec},
      {PICKET_EXEC_F_BLOB_FULL | PICKET_EXEC_F_CGROUP_V1, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.kernel_flags);
    ExecRecordBuilder builder;
    builder.fixed.flags = c.kernel_flags;
    builder.Filename("/bin/true").Path({"bin", "true"});
    EXPECT_EQ(DecodeExec(builder).flags, c.exec_flags);
  }
}

// Each case damages an otherwise valid record in one way.
struct MalformedCase {
  const char* name;
  std::vector<std::byte> record;
  Malformation reason;
};

std::vector<MalformedCase> MalformedCases() {
  std::vector<MalformedCase> cases;
  cases.push_back({"empty", {}, Malformation::kTooShort});
  {
    auto record = testing::ForkRecord(1, 2);
    record.resize(10);
    cases.push_back({"short header", record, Malformation::kTooShort});
  }
  {
    auto record = testing::ForkRecord(1, 2);
    reinterpret_cast<picket_event_header*>(record.data())->abi_version = 99;
    cases.push_back({"abi version", record, Malformation::kBadAbiVersion});
  }
  {
    auto record = testing::ForkRecord(1, 2);
    reinterpret_cast<picket_event_header*>(record.data())->kind = 9;
    cases.push_back({"kind", record, Malformation::kUnknownKind});
  }
  {
    auto record = testing::ForkRecord(1, 2);
    record.push_back(std::byte{0});
    cases.push_back({"trailing byte", record, Malformation::kSizeMismatch});
  }
  {
    auto record = testing::ExitRecord(1, 0);
    reinterpret_cast<picket_event_header*>(record.data())->kind = PICKET_EVENT_FORK;
    cases.push_back({"exit-sized fork", record, Malformation::kSizeMismatch});
  }
  {
    ExecRecordBuilder builder;
    auto record = builder.Filename("/bin/true").Build();
    record.resize(200);
    reinterpret_cast<picket_event_header*>(record.data())->size = 200;
    cases.push_back({"exec shorter than its fixed part", record, Malformation::kSizeMismatch});
  }
  {
    ExecRecordBuilder builder;
    builder.Filename("/bin/true");
    builder.fixed.fields[PICKET_EXEC_FIELD_ARGV] = {4, 60000};
    cases.push_back({"argv past the end", builder.Build(), Malformation::kBlobOutOfBounds});
  }
  {
    ExecRecordBuilder builder;
    builder.Filename("/bin/true").Padding(8);
    builder.fixed.fields[PICKET_EXEC_FIELD_PATH] = {0xfffc, 8};
    cases.push_back({"path offset past the end", builder.Build(), Malformation::kBlobOutOfBounds});
  }
  {
    ExecRecordBuilder builder;
    std::memset(builder.fixed.comm, 'A', sizeof(builder.fixed.comm));
    cases.push_back({"comm without NUL", builder.Filename("/bin/true").Build(),
                     Malformation::kUnterminatedString});
  }
  {
    ExecRecordBuilder builder;
    std::memset(builder.fixed.file_fstype, 'e', sizeof(builder.fixed.file_fstype));
    cases.push_back({"fstype without NUL", builder.Filename("/bin/true").Build(),
                     Malformation::kUnterminatedString});
  }
  {
    ExecRecordBuilder builder;
    builder.Padding(5);
    builder.fixed.fields[PICKET_EXEC_FIELD_FILENAME] = {0, 5};
    cases.push_back({"filename without NUL", builder.Build(), Malformation::kUnterminatedString});
  }
  {
    ExecRecordBuilder builder;
    builder.Filename(std::string_view("/bin\0/true", 10));
    cases.push_back(
        {"filename with an inner NUL", builder.Build(), Malformation::kUnterminatedString});
  }
  {
    ExecRecordBuilder builder;
    builder.Filename("/bin/true").Path({"usr", "bin", "true"});
    builder.fixed.path_depth = 2;
    cases.push_back({"path depth", builder.Build(), Malformation::kInconsistentCounts});
  }
  {
    ExecRecordBuilder builder;
    builder.Filename("x");
    builder.fixed.cwd_depth = 3;  // claims components it does not carry
    cases.push_back({"cwd depth without data", builder.Build(), Malformation::kInconsistentCounts});
  }
  return cases;
}

TEST(DecodeTest, RejectsEachKindOfDamageWithItsReason) {
  for (const MalformedCase& c : MalformedCases()) {
    SCOPED_TRACE(c.name);
    DecodeResult result = DecodeBytes(c.record);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(MalformationName(result.error()), MalformationName(c.reason));
  }
}

TEST(DecodeTest, MalformationNamesAreDistinct) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kMalformationCount; ++i) {
    names.insert(MalformationName(static_cast<Malformation>(i)));
  }
  EXPECT_EQ(names.size(), kMalformationCount);
}

TEST(AbsoluteExecPathTest, ResolvesAgainstCwdLexically) {
  struct Case {
    std::string_view filename, cwd, path;
  };
  const Case cases[] = {
      {"./x.sh", "/tmp", "/tmp/x.sh"},
      {"x.sh", "/tmp/a", "/tmp/a/x.sh"},
      {"../b/x.sh", "/tmp/a", "/tmp/b/x.sh"},
      {"/tmp//./x.sh", "", "/tmp/x.sh"},
      {"../../../x", "/a", "/x"},
      {"dir with space/x é.sh", "/tmp", "/tmp/dir with space/x é.sh"},
      {"x.sh", "", "x.sh"},
      {"", "/tmp", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.filename) + " in " + std::string(c.cwd));
    EXPECT_EQ(AbsoluteExecPath(c.filename, c.cwd), c.path);
  }
}

}  // namespace
}  // namespace picket::decode
