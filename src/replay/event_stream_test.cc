#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "replay/event_json.h"
#include "replay/event_reader.h"
#include "replay/event_writer.h"

namespace picket::replay {
namespace {

events::ExecEvent FullExec() {
  events::ExecEvent exec;
  exec.timestamp_ns = 1'764'328'835'123'456'789ULL;
  exec.process = {4242, 1'764'328'835'000'000'001ULL};
  exec.parent = {4200, 1'764'328'800'000'000'002ULL};
  exec.tid = 4243;
  exec.credentials = {.uid = 1000,
                      .gid = 1000,
                      .euid = 0,
                      .egid = 0,
                      .fsuid = 0,
                      .fsgid = 0,
                      .auid = 1000,
                      .session_id = 3,
                      .cap_effective = 0x1ffffffffffULL,
                      .cap_permitted = 0x1ffffffffffULL};
  exec.comm = "x.sh";
  exec.filename = "./x.sh";
  exec.file = {.path = "/tmp/dir with space/x.sh",
               .inode = 77,
               .dev_major = 254,
               .dev_minor = 1,
               .mount_id = 30,
               .mode = 0100755,
               .uid = 1000,
               .gid = 1000,
               .nlink = 1,
               .modification_time_ns = 5,
               .change_time_ns = 6,
               .filesystem = "tmpfs"};
  exec.interpreter = {.path = "/usr/bin/dash", .inode = 12, .mode = 0100755};
  exec.cwd = "/tmp/dir with space";
  exec.argv = {"/bin/sh",
               "./x.sh",
               "a b",
               "quote\"s",
               "new\nline",
               "",
               std::string("\xff\xfe not utf8 \x80", 13),
               "caf\xc3\xa9"};
  exec.args_size = 9000;
  exec.envp = {"PATH=/usr/bin", std::string("BAD=\xc0\xaf", 6)};
  exec.env_size = 40;
  exec.cgroup_id = 9999;
  exec.cgroup_path = "/system.slice/docker-abc.scope";
  exec.container_id = "abc";
  exec.namespaces = {.mnt = 4026531841, .pid = 4026531836, .net = 4026531840, .cgroup = 1};
  exec.tty = "pts0";
  exec.flags = events::kExecScript | events::kExecArgsTruncated | (1u << 20);
  return exec;
}

std::vector<events::Event> SampleEvents() {
  events::ForkEvent fork;
  fork.timestamp_ns = 10;
  fork.child = {4242, 1'764'328'835'000'000'001ULL};
  fork.parent = {4200, 1'764'328'800'000'000'002ULL};
  fork.parent_tid = 4201;
  fork.cgroup_id = 9999;
  events::ExitEvent exit;
  exit.timestamp_ns = 12;
  exit.process = fork.child;
  exit.exit_code = -1;  // not a real wait status, but must survive the trip
  events::ExitEvent signalled;
  signalled.timestamp_ns = 13;
  signalled.process = {1, 0};
  signalled.exit_code = 9;
  return {fork, FullExec(), events::ExecEvent{}, exit, signalled};
}

StreamHeader SampleHeader() {
  return {.version = kEventStreamVersion,
          .created_ns = 1'764'328'835'000'000'000ULL,
          .host = "builder",
          .picket_version = "0.1.0",
          .boot_to_realtime_offset_ns = -5};
}

std::string WriteToString(const std::vector<events::Event>& events) {
  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* memory = open_memstream(&buffer, &size);
  {
    Result<std::unique_ptr<EventWriter>> writer =
        EventWriter::Wrap(memory, SampleHeader(), FlushPolicy::kBuffered);
    EXPECT_TRUE(writer.has_value());
    for (const events::Event& event : events) EXPECT_TRUE((*writer)->Write(event).has_value());
  }
  std::fclose(memory);
  std::string text(buffer, size);
  std::free(buffer);
  return text;
}

TEST(EventStreamTest, RoundTripsEveryFieldExactly) {
  const std::vector<events::Event> events = SampleEvents();
  const std::string text = WriteToString(events);
  std::istringstream in(text);
  Result<std::unique_ptr<EventReader>> reader = EventReader::Open(in);
  ASSERT_TRUE(reader.has_value()) << reader.error().message();
  EXPECT_EQ((*reader)->header(), SampleHeader());
  std::vector<events::Event> read;
  while (std::optional<events::Event> event = (*reader)->Next()) read.push_back(*event);
  EXPECT_EQ(read, events);
  EXPECT_EQ((*reader)->stats().corrupt_lines, 0u);
  EXPECT_EQ((*reader)->stats().events, events.size());

  // Deterministic: the same events give the same bytes.
  EXPECT_EQ(WriteToString(read), text);
}

TEST(EventStreamTest, EncodesForkAsDocumented) {
  EXPECT_EQ(EncodeEvent(SampleEvents()[0]).dump(),
            R"({"type":"fork","timestamp":10,"pid":4242,"start_time":1764328835000000001,)"
            R"("ppid":4200,"parent_start_time":1764328800000000002,"parent_tid":4201,)"
            R"("cgroup_id":9999})");
  EXPECT_EQ(EncodeEvent(SampleEvents()[4]).dump(),
            R"({"type":"exit","timestamp":13,"pid":1,"start_time":0,"exit_code":9,)"
            R"("exit_status":0,"exit_signal":9})");
}

TEST(EventStreamTest, NonUtf8BytesUseBase64AndRoundTrip) {
  struct Case {
    std::string bytes;
    std::string json;
  };
  const Case cases[] = {
      {"plain", R"("plain")"},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
      {"", R"("")"},
      {std::string("\xff", 1), R"({"b64":"/w=="})"},
      {std::string("a\xc0\xaf", 3), R"({"b64":"YcCv"})"},             // overlong '/'
      {std::string("\xed\xa0\x80", 3), R"({"b64":"7aCA"})"},          // surrogate
      {std::string("\xf4\x90\x80\x80", 4), R"({"b64":"9JCAgA=="})"},  // > U+10FFFF
      {std::string("\xe2\x82", 2), R"({"b64":"4oI="})"},              // truncated sequence
      {std::string("nul\0byte", 8), R"("nul\u0000byte")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.json);
    Json json = EncodeBytes(c.bytes);
    EXPECT_EQ(json.dump(), c.json);
    Result<std::string> decoded = DecodeBytes(Json::parse(json.dump()));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, c.bytes);
  }
}

TEST(EventStreamTest, RejectsMalformedBase64) {
  for (const char* text : {R"({"b64":"abc"})", R"({"b64":"a=bc"})", R"({"b64":"ab c"})",
                           R"({"b64":"/w==","x":1})", R"({"b64":7})", "[]", "3"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(DecodeBytes(Json::parse(text)).has_value());
  }
}

TEST(EventStreamTest, FlagsAreNamedAndUnknownBitsSurvive) {
  EXPECT_EQ(EncodeExecFlags(events::kExecMemfd | events::kExecFromNonLeader | (1u << 31)).dump(),
            R"(["memfd","from_non_leader","bit31"])");
  Result<std::uint32_t> flags = DecodeExecFlags(Json::parse(R"(["script","bit20"])"));
  ASSERT_TRUE(flags.has_value());
  EXPECT_EQ(*flags, events::kExecScript | (1u << 20));
  EXPECT_FALSE(DecodeExecFlags(Json::parse(R"(["sorcery"])")).has_value());
  EXPECT_FALSE(DecodeExecFlags(Json::parse(R"(["bit32"])")).has_value());
}

TEST(EventStreamTest, CorruptLinesAreCountedWithLineNumbersAndSkipped) {
  std::string text = EncodeHeader(SampleHeader()).dump() + "\n";
  text += EncodeEvent(SampleEvents()[0]).dump() + "\n";  // line 2
  text += "{\"type\":\"fork\",\"timestamp\":1\n";        // 3: truncated JSON
  text += "\n";                                          // 4: blank, ignored
  text += R"({"type":"fork","timestamp":1,"pid":"x","ppid":1})"
          "\n";  // 5: wrong type
  text += R"({"type":"exec","timestamp":1})"
          "\n";  // 6: no pid
  text += R"({"type":"dns","timestamp":1,"pid":3})"
          "\n";                               // 7: newer type
  text += "[1,2,3]\n";                        // 8: not an object
  text += std::string("\xff\xfe garbage\n");  // 9: not UTF-8
  text += R"({"type":"exit","timestamp":5,"pid":4242,"future_field":{"a":1}})"
          "\n";  // 10
  text += R"({"type":"exec","timestamp":1,"pid":1,"argv":["a",{"b64":"!!"}]})"
          "\n";                                                               // 11
  text += R"({"type":"exit","timestamp":1,"pid":5,"exit_code":4294967296})";  // 12, no EOL

  std::istringstream in(text);
  Result<std::unique_ptr<EventReader>> reader = EventReader::Open(in);
  ASSERT_TRUE(reader.has_value());
  std::vector<events::Event> read;
  while (std::optional<events::Event> event = (*reader)->Next()) read.push_back(*event);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0], SampleEvents()[0]);
  EXPECT_EQ(std::get<events::ExitEvent>(read[1]).process.pid, 4242u);

  const ReadStats& stats = (*reader)->stats();
  EXPECT_EQ(stats.lines, 12u);
  EXPECT_EQ(stats.corrupt_lines, 7u);
  EXPECT_EQ(stats.unknown_event_types, 1u);
  const std::vector<SkippedLine> want = {
      {3, "not valid JSON"},
      {5, "field 'pid': expected an unsigned integer"},
      {6, "field 'pid': missing"},
      {7, "unknown event type 'dns'"},
      {8, "not a JSON object"},
      {9, "not valid JSON"},
      {11, "field 'argv': invalid base64"},
      {12, "field 'exit_code': out of range"},
  };
  EXPECT_EQ(stats.skipped, want);
}

TEST(EventStreamTest, HeaderIsRequiredAndVersionChecked) {
  struct Case {
    std::string text;
    ErrorCode code;
    std::string message;
  };
  const Case cases[] = {
      {"", ErrorCode::kInvalidArgument, "empty event stream: no header line"},
      {R"({"type":"fork","timestamp":1,"pid":2,"ppid":1})", ErrorCode::kInvalidArgument,
       "line 1: not a picket event stream: the first line has no \"picket_event_stream\""},
      {R"({"picket_event_stream":2})", ErrorCode::kUnsupported,
       "line 1: event stream version 2 is not supported (this picket reads version 1)"},
      {"{nope", ErrorCode::kInvalidArgument, "line 1: the header is not valid JSON"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    std::istringstream in(c.text);
    Result<std::unique_ptr<EventReader>> reader = EventReader::Open(in);
    ASSERT_FALSE(reader.has_value());
    EXPECT_EQ(reader.error().code(), c.code);
    EXPECT_EQ(reader.error().message(), c.message);
  }
}

TEST(EventStreamTest, WritesAncestrySummaryThatReadersIgnore) {
  proc::Process shell;
  shell.key = {100, 1};
  shell.comm = "x.sh";
  shell.file.path = "/tmp/x.sh";
  shell.argv = {"/bin/sh", "/tmp/x.sh"};
  shell.is_exec = true;
  shell.exit_time_ns = 5;
  proc::AncestorList ancestors{{&shell}, /*truncated=*/true};
  Json json = EncodeEventWithAncestry(SampleEvents()[0], ancestors);
  EXPECT_EQ(json["ancestors"].dump(),
            R"([{"pid":100,"comm":"x.sh","exe":"/tmp/x.sh","args":["/bin/sh","/tmp/x.sh"],)"
            R"("is_exec":true,"exited":true}])");
  EXPECT_TRUE(json["ancestors_truncated"].get<bool>());
  Result<events::Event> decoded = DecodeEvent(json);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(*decoded, SampleEvents()[0]);
}

TEST(EventStreamTest, SeedImagesRoundTripWithLineageBeforeEvents) {
  auto init = std::make_shared<proc::Process>();
  init->key = {1, 20'000'000};
  init->comm = "systemd";
  init->file.path = "/usr/lib/systemd/systemd";
  init->argv = {"/sbin/init", std::string("\xff", 1)};
  init->credentials.auid = 0xffffffffu;
  auto shell = std::make_shared<proc::Process>();
  shell->key = {100, 3'000'000'000};
  shell->parent_key = init->key;
  shell->comm = "bash";
  shell->file = {.path = "/usr/bin/bash", .inode = 5, .mode = 0100755};
  shell->envp = {"HOME=/root"};
  shell->tty = "pts1";
  shell->cgroup_id = 77;
  shell->cgroup_path = "/user.slice";
  shell->exec_flags = events::kExecDeletedFile;
  shell->fork_time_ns = 3'000'000'000;
  shell->is_exec = true;
  shell->lineage_parent = init;

  char* buffer = nullptr;
  std::size_t size = 0;
  std::FILE* memory = open_memstream(&buffer, &size);
  {
    auto writer = EventWriter::Wrap(memory, SampleHeader(), FlushPolicy::kBuffered);
    ASSERT_TRUE(writer.has_value());
    ASSERT_TRUE((*writer)->WriteSeed({init, shell}));
    ASSERT_TRUE((*writer)->Write(SampleEvents()[0]));
    EXPECT_FALSE((*writer)->WriteSeed({init}));  // too late
    EXPECT_EQ((*writer)->seed_images_written(), 2u);
  }
  std::fclose(memory);
  std::string text(buffer, size);
  std::free(buffer);
  text += EncodeSeedImage(*init).dump() + "\n";  // a seed line after events is corrupt

  std::istringstream in(text);
  auto reader = EventReader::Open(in);
  ASSERT_TRUE(reader.has_value());
  const std::vector<proc::ProcessPtr>& seed = (*reader)->seed_images();
  ASSERT_EQ(seed.size(), 2u);
  EXPECT_EQ(EncodeSeedImage(*seed[0]), EncodeSeedImage(*init));
  EXPECT_EQ(EncodeSeedImage(*seed[1]), EncodeSeedImage(*shell));
  EXPECT_EQ(seed[1]->lineage_parent, seed[0]);
  EXPECT_TRUE(seed[1]->from_seed);
  EXPECT_EQ(seed[1]->argv, shell->argv);
  EXPECT_EQ(seed[0]->argv, init->argv);

  std::optional<events::Event> first = (*reader)->Next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, SampleEvents()[0]);
  EXPECT_FALSE((*reader)->Next().has_value());
  EXPECT_EQ((*reader)->stats().seed_images, 2u);
  ASSERT_EQ((*reader)->stats().skipped.size(), 1u);
  EXPECT_EQ((*reader)->stats().skipped[0], (SkippedLine{5, "seed line after the first event"}));

  // Replay starts from the recorder's tree: the shell has its ancestor.
  proc::ProcessTree tree;
  EXPECT_EQ(tree.Seed(seed), 2u);
  events::ForkEvent fork;
  fork.parent = {100, 3'004'000'000};  // the kernel's precise start time
  fork.child = {200, 4'000'000'000};
  proc::ConstProcessPtr child = tree.ApplyFork(fork);
  proc::AncestorList ancestors = tree.Ancestors(*child);
  ASSERT_EQ(ancestors.images.size(), 2u);
  EXPECT_EQ(ancestors.images[0]->comm, "bash");
  EXPECT_EQ(ancestors.images[1]->comm, "systemd");
  EXPECT_EQ(tree.stats().orphans_created, 0u);
}

TEST(EventStreamTest, WritesAndReadsFiles) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("picket-stream-" + std::to_string(getpid())))
          .string();
  {
    Result<std::unique_ptr<EventWriter>> writer = EventWriter::OpenFile(path, SampleHeader());
    ASSERT_TRUE(writer.has_value()) << writer.error().message();
    for (const events::Event& event : SampleEvents()) ASSERT_TRUE((*writer)->Write(event));
    EXPECT_EQ((*writer)->events_written(), SampleEvents().size());
  }
  Result<std::unique_ptr<EventReader>> reader = EventReader::OpenFile(path);
  ASSERT_TRUE(reader.has_value()) << reader.error().message();
  std::size_t count = 0;
  while ((*reader)->Next()) ++count;
  EXPECT_EQ(count, SampleEvents().size());
  std::filesystem::remove(path);

  Result<std::unique_ptr<EventReader>> missing = EventReader::OpenFile(path);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(EventWriter::OpenFile("/nonexistent/dir/x.jsonl", SampleHeader()).has_value());
}

}  // namespace
}  // namespace picket::replay
