#include "fields/catalogue.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace picket::fields {
namespace {

using secl::ScalarType;

struct FieldCase {
  std::string_view name;
  ScalarType type;
  bool is_array;
  std::string_view event_type;
  bool supported;
};

constexpr FieldCase kFields[] = {
    // §11.1 under each process prefix.
    {"process.pid", ScalarType::kInt, false, "", true},
    {"exec.pid", ScalarType::kInt, false, "exec", true},
    {"exit.pid", ScalarType::kInt, false, "exit", true},
    {"process.parent.ppid", ScalarType::kInt, false, "", true},
    {"process.ancestors.comm", ScalarType::kString, false, "", true},
    {"process.argv", ScalarType::kString, true, "", true},
    {"exec.args_flags", ScalarType::kString, true, "exec", true},
    {"exec.args_options", ScalarType::kString, true, "exec", true},
    {"process.ancestors.args_flags", ScalarType::kString, true, "", true},
    {"exec.envs", ScalarType::kString, true, "exec", true},
    {"exec.envp", ScalarType::kString, true, "exec", true},
    {"process.user", ScalarType::kString, false, "", true},
    {"process.fsgroup", ScalarType::kString, false, "", true},
    {"process.auid", ScalarType::kInt, false, "", true},
    {"process.cap_permitted", ScalarType::kInt, false, "", true},
    {"process.container.id", ScalarType::kString, false, "", true},
    {"process.parent.cgroup.id", ScalarType::kString, false, "", true},
    {"exec.tty_name", ScalarType::kString, false, "exec", true},
    {"exec.is_thread", ScalarType::kBool, false, "exec", true},
    {"exec.argv0", ScalarType::kString, false, "exec", true},
    {"exec.args_truncated", ScalarType::kBool, false, "exec", true},
    // §11.3 under file and interpreter.file.
    {"exec.file.path", ScalarType::kString, false, "exec", true},
    {"process.parent.file.modification_time", ScalarType::kInt, false, "", true},
    {"process.file.mode", ScalarType::kInt, false, "", true},
    {"exec.file.change_time", ScalarType::kInt, false, "exec", true},
    {"exec.interpreter.file.name", ScalarType::kString, false, "exec", true},
    {"process.ancestors.file.path", ScalarType::kString, false, "", true},
    {"exec.file.in_upper_layer", ScalarType::kBool, false, "exec", false},
    {"exec.file.hashes", ScalarType::kString, true, "exec", false},
    // §11.4, §11.5.
    {"container.id", ScalarType::kString, false, "", true},
    {"container.created_at", ScalarType::kInt, false, "", false},
    {"container.tags", ScalarType::kString, true, "", false},
    {"cgroup.file.inode", ScalarType::kInt, false, "", true},
    {"event.timestamp", ScalarType::kInt, false, "", true},
    {"event.origin", ScalarType::kString, false, "", true},
    {"event.rule.tags", ScalarType::kString, true, "", true},
    {"exec.syscall.path", ScalarType::kString, false, "exec", true},
    {"exit.code", ScalarType::kInt, false, "exit", true},
    {"exit.cause", ScalarType::kInt, false, "exit", true},
    {"exec.user_session.k8s_username", ScalarType::kString, false, "exec", false},
    // Uncollected event types (§11.6–§11.8).
    {"open.file.path", ScalarType::kString, false, "open", false},
    {"open.flags", ScalarType::kInt, false, "open", false},
    {"chmod.file.destination.mode", ScalarType::kInt, false, "chmod", false},
    {"dns.question.name", ScalarType::kString, false, "dns", false},
    {"connect.addr.ip", ScalarType::kIp, false, "connect", false},
    {"bpf.prog.helpers", ScalarType::kInt, true, "bpf", false},
    {"ptrace.tracee.euid", ScalarType::kInt, false, "ptrace", false},
    {"network.destination.port", ScalarType::kInt, false, "", false},
};

TEST(FieldCatalogueTest, KnowsSpecFields) {
  const FieldCatalogue& catalogue = FieldCatalogue::Default();
  for (const FieldCase& c : kFields) {
    SCOPED_TRACE(c.name);
    const secl::FieldInfo* info = catalogue.Find(c.name);
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(info->name, c.name);
    EXPECT_EQ(info->type, c.type);
    EXPECT_EQ(info->is_array, c.is_array);
    EXPECT_EQ(info->event_type, c.event_type);
    EXPECT_EQ(info->is_supported, c.supported);
    EXPECT_EQ(&catalogue.entry(info->id).info, info);
  }
  EXPECT_EQ(catalogue.Find("process.parnet.pid"), nullptr);
  EXPECT_EQ(catalogue.Find(""), nullptr);
}

TEST(FieldCatalogueTest, PathGlobsAndIterators) {
  const FieldCatalogue& catalogue = FieldCatalogue::Default();
  EXPECT_TRUE(catalogue.Find("exec.file.path")->is_path);
  EXPECT_TRUE(catalogue.Find("process.ancestors.file.path")->is_path);
  EXPECT_TRUE(catalogue.Find("rename.file.destination.path")->is_path);
  EXPECT_FALSE(catalogue.Find("exec.file.name")->is_path);
  EXPECT_FALSE(catalogue.Find("exec.syscall.path")->is_path);
  EXPECT_FALSE(catalogue.Find("mount.mountpoint.path")->is_path);
  EXPECT_TRUE(catalogue.Find("dns.question.name")->is_case_insensitive);
  const secl::IteratorInfo* ancestors = catalogue.FindIterator("process.ancestors");
  ASSERT_NE(ancestors, nullptr);
  EXPECT_EQ(catalogue.Find("process.ancestors.file.name")->iterator, ancestors->id);
  EXPECT_EQ(catalogue.Find("process.parent.file.name")->iterator, secl::kNoIterator);
  EXPECT_EQ(catalogue.FindIterator("process.parent"), nullptr);
}

TEST(FieldCatalogueTest, IdsAreDenseAndNamesUnique) {
  const FieldCatalogue& catalogue = FieldCatalogue::Default();
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < catalogue.entries().size(); ++i) {
    const secl::FieldInfo& info = catalogue.entries()[i].info;
    EXPECT_EQ(info.id, i);
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    if (info.is_supported) {
      EXPECT_NE(catalogue.entries()[i].binding.attr, Attr::kUnsupported) << info.name;
      EXPECT_FALSE(catalogue.entries()[i].doc.empty()) << info.name;
    }
  }
  std::size_t visited = 0;
  catalogue.ForEachFieldName([&](std::string_view) { ++visited; });
  EXPECT_EQ(visited, catalogue.entries().size());
}

// Fields that read one attribute of one image under two names say so, and
// nothing else does: the prefilter reads an aliased value once for both.
TEST(FieldCatalogueTest, SameValueAliasesShareTheirBinding) {
  const FieldCatalogue& catalogue = FieldCatalogue::Default();
  auto alias_of = [&](std::string_view name) {
    const secl::FieldInfo* info = catalogue.Find(name);
    EXPECT_NE(info, nullptr) << name;
    return info == nullptr ? secl::kNoField : info->same_value_as;
  };
  auto id = [&](std::string_view name) { return catalogue.Find(name)->id; };
  auto same = [&](std::string_view a, std::string_view b) {
    const secl::FieldId ca = alias_of(a) == secl::kNoField ? id(a) : alias_of(a);
    const secl::FieldId cb = alias_of(b) == secl::kNoField ? id(b) : alias_of(b);
    return ca == cb;
  };
  EXPECT_TRUE(same("exec.args", "process.args"));
  EXPECT_TRUE(same("exec.file.path", "process.file.path"));
  EXPECT_TRUE(same("exec.args_flags", "process.args_flags"));
  EXPECT_FALSE(same("process.file.name", "process.parent.file.name"));
  EXPECT_FALSE(same("exec.file.path", "exec.interpreter.file.path"));
  EXPECT_FALSE(same("process.file.name", "process.file.path"));
  EXPECT_EQ(alias_of("event.rule.tags"), secl::kNoField);  // differs from rule to rule
  for (const FieldEntry& entry : catalogue.entries()) {
    const secl::FieldId alias = entry.info.same_value_as;
    if (alias == secl::kNoField) continue;
    ASSERT_LT(alias, entry.info.id) << entry.info.name;
    const FieldEntry& canonical = catalogue.entry(alias);
    EXPECT_EQ(canonical.info.same_value_as, secl::kNoField) << entry.info.name;
    EXPECT_EQ(canonical.binding.attr, entry.binding.attr) << entry.info.name;
    EXPECT_EQ(canonical.binding.target, entry.binding.target) << entry.info.name;
    EXPECT_EQ(canonical.binding.file, entry.binding.file) << entry.info.name;
    EXPECT_EQ(canonical.info.type, entry.info.type) << entry.info.name;
    EXPECT_EQ(canonical.info.is_array, entry.info.is_array) << entry.info.name;
    EXPECT_NE(entry.binding.target, Target::kEvent) << entry.info.name;
    EXPECT_TRUE(entry.info.is_supported) << entry.info.name;
  }
}

// Every field default.policy uses (spec §18.5) is known, except the
// Windows-only ones.
TEST(FieldCatalogueTest, KnowsEveryFieldOfTheDefaultPolicy) {
  const char* source_dir = std::getenv("PICKET_SOURCE_DIR");
  std::ifstream in(std::string(source_dir != nullptr ? source_dir : ".") +
                   "/../shared/data/datadog/default.policy");
  if (!in) GTEST_SKIP() << "default.policy not found (set PICKET_SOURCE_DIR)";
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::set<std::string> windows_only = {"exec.cmdline",           "set.registry.key_path",
                                              "write.file.device_path", "create.file.device_path",
                                              "create.file.name",       "fim.write.file.path"};
  const std::regex field(
      R"(\b((?:process|exec|exit|open|chmod|chown|link|rename|unlink|utimes|dns|connect|accept|bpf|load_module|mmap|mount|packet|prctl|ptrace|selinux|setsockopt|setuid|signal|splice|imds|cgroup_write|chdir|container|cgroup|event)\.[a-z_][a-z0-9_.]*(?:\[A\]\.[a-z_.]+)?))");
  std::set<std::string> unknown;
  std::size_t seen = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), field);
       it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[1].str();
    // Variables (${process.x}) live in their own namespace; `field:` of a
    // hash action names a file prefix, not a field.
    std::size_t position = static_cast<std::size_t>((*it)[1].first - text.begin());
    if (position >= 2 && text.compare(position - 2, 2, "${") == 0) continue;
    if (position >= 7 && text.compare(position - 7, 7, "field: ") == 0 && name == "process.file") {
      continue;
    }
    while (!name.empty() && name.back() == '.') name.pop_back();
    if (std::size_t bracket = name.find("[A]"); bracket != std::string::npos) {
      name.erase(bracket, 3);
    }
    if (windows_only.contains(name) || name.starts_with("process.variables")) continue;
    ++seen;
    if (FieldCatalogue::Default().Find(name) == nullptr) unknown.insert(name);
  }
  EXPECT_GT(seen, 500u);
  EXPECT_TRUE(unknown.empty()) << [&] {
    std::string list;
    for (const std::string& name : unknown) list += name + " ";
    return list;
  }();
}

}  // namespace
}  // namespace picket::fields
