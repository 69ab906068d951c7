#include "engine/variable_store.h"

#include <gtest/gtest.h>

#include <memory>

namespace picket::engine {
namespace {

using policy::VariableScope;

constexpr std::uint64_t kSecond = 1'000'000'000;

// The store ignores the FieldSource (it reads the bound process), so tests
// pass this minimal one.
class NoFields : public secl::FieldSource {
 public:
  secl::Value Get(secl::FieldId, std::uint32_t) const override { return {}; }
  std::size_t ArrayLength(secl::FieldId, std::uint32_t) const override { return 0; }
  secl::Value GetAt(secl::FieldId, std::uint32_t, std::size_t) const override { return {}; }
  std::size_t IteratorLength(secl::IteratorId) const override { return 0; }
  std::int64_t NowNs() const override { return 0; }
};

enum : secl::VariableId { kPid, kUuid, kFlag, kSeen, kCount, kInherited, kContainerVar };

std::vector<VariableSpec> Specs() {
  using secl::ScalarType;
  return {
      {.id = kFlag,
       .name = "process.flag",
       .type = {ScalarType::kBool, false},
       .scope = VariableScope::kProcess,
       .default_value = false},
      {.id = kSeen,
       .name = "cgroup.seen",
       .type = {ScalarType::kString, true},
       .scope = VariableScope::kCgroup,
       .default_value = std::vector<std::string>{},
       .ttl_ns = 10 * kSecond,
       .size = 2},
      {.id = kCount,
       .name = "count",
       .type = {ScalarType::kInt, false},
       .scope = VariableScope::kGlobal,
       .default_value = std::int64_t{7},
       .ttl_ns = 5 * kSecond},
      {.id = kInherited,
       .name = "process.key",
       .type = {ScalarType::kString, false},
       .scope = VariableScope::kProcess,
       .default_value = std::string(),
       .inherited = true},
      {.id = kContainerVar,
       .name = "container.x",
       .type = {ScalarType::kInt, false},
       .scope = VariableScope::kContainer,
       .default_value = std::int64_t{0}},
  };
}

struct Images {
  std::shared_ptr<proc::Process> parent = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> child = std::make_shared<proc::Process>();
  std::shared_ptr<proc::Process> other = std::make_shared<proc::Process>();
  Images() {
    parent->key = {.pid = 10, .start_time_ns = 1};
    parent->cgroup_id = 5;
    child->key = {.pid = 11, .start_time_ns = 2};
    child->cgroup_id = 5;
    child->lineage_parent = parent;
    other->key = {.pid = 12, .start_time_ns = 3};
    other->cgroup_id = 6;
    other->container_id = "abc";
  }
};

// Checklist 47: a process-scoped value is visible to later events of that
// process only.
TEST(VariableStoreTest, Checklist47_ProcessScope) {
  Images images;
  VariableStore store(Specs(), kPid, kUuid);
  NoFields fields;
  store.Bind(images.parent.get(), 0);
  store.Set(kFlag, true);
  EXPECT_TRUE(store.Read(kFlag, fields).bool_value);
  store.Bind(images.other.get(), 1);
  EXPECT_FALSE(store.Read(kFlag, fields).bool_value);
  store.Bind(images.parent.get(), 2);
  EXPECT_TRUE(store.Read(kFlag, fields).bool_value);
  store.ForgetProcess(ImageKeyOf(*images.parent));
  EXPECT_FALSE(store.Read(kFlag, fields).bool_value);
}

// Checklist 48: inherited variables are read through the ancestors; others
// are not.
TEST(VariableStoreTest, Checklist48_Inherited) {
  Images images;
  VariableStore store(Specs(), kPid, kUuid);
  NoFields fields;
  store.Bind(images.parent.get(), 0);
  store.Set(kInherited, std::string("corr-1"));
  store.Set(kFlag, true);
  store.Bind(images.child.get(), 1);
  EXPECT_EQ(store.Read(kInherited, fields).string_value, "corr-1");
  EXPECT_FALSE(store.Read(kFlag, fields).bool_value);
}

// Checklist 50/51: append keeps at most `size` distinct values, LRU; TTL
// expiry returns the default.
TEST(VariableStoreTest, Checklist50_51_AppendSizeAndTtl) {
  Images images;
  VariableStore store(Specs(), kPid, kUuid);
  NoFields fields;
  store.Bind(images.parent.get(), 0);
  store.Set(kSeen, std::string("a"));
  store.Set(kSeen, std::string("b"));
  store.Set(kSeen, std::string("a"));  // refresh: order is now b, a
  store.Set(kSeen, std::string("c"));  // evicts b
  ASSERT_EQ(store.ArrayLength(kSeen, fields), 2u);
  EXPECT_EQ(store.ReadAt(kSeen, fields, 0).string_value, "a");
  EXPECT_EQ(store.ReadAt(kSeen, fields, 1).string_value, "c");
  // Same cgroup from another process sees it; another cgroup does not.
  store.Bind(images.child.get(), 1);
  EXPECT_EQ(store.ArrayLength(kSeen, fields), 2u);
  store.Bind(images.other.get(), 1);
  EXPECT_EQ(store.ArrayLength(kSeen, fields), 0u);
  store.Bind(images.parent.get(), 10 * kSecond + 1);
  EXPECT_EQ(store.ArrayLength(kSeen, fields), 0u);

  store.Bind(images.parent.get(), 20 * kSecond);
  EXPECT_EQ(store.Read(kCount, fields).int_value, 7);  // default
  store.Set(kCount, std::int64_t{8});
  EXPECT_EQ(store.Read(kCount, fields).int_value, 8);
  store.Bind(images.parent.get(), 25 * kSecond);
  EXPECT_EQ(store.Read(kCount, fields).int_value, 7);  // expired
}

// Process-scoped instances live as long as their image: once the tree and
// every descendant have let go of it, the next sweep frees them.
TEST(VariableStoreTest, InstancesOfFreedImagesAreReleased) {
  VariableStore store(Specs(), kPid, kUuid);
  NoFields fields;
  auto image = std::make_shared<proc::Process>();
  image->key = {.pid = 40, .start_time_ns = 4};
  auto survivor = std::make_shared<proc::Process>();
  survivor->key = {.pid = 41, .start_time_ns = 5};
  store.Bind(image.get(), 0);
  store.Set(kFlag, true);
  store.Bind(survivor.get(), 0);
  store.Set(kFlag, true);
  EXPECT_EQ(store.instance_count(), 2u);

  store.Bind(survivor.get(), 500'000'000);  // within the sweep period: nothing swept
  image.reset();
  EXPECT_EQ(store.instance_count(), 2u);
  store.Bind(survivor.get(), 2 * kSecond);
  EXPECT_EQ(store.instance_count(), 1u);
  EXPECT_TRUE(store.Read(kFlag, fields).bool_value);
}

TEST(VariableStoreTest, UnavailableScopeIsANoOpAndBuiltinsAnswer) {
  Images images;
  VariableStore store(Specs(), kPid, kUuid);
  NoFields fields;
  store.Bind(images.parent.get(), 0);  // no container
  store.Set(kContainerVar, std::int64_t{3});
  EXPECT_EQ(store.Read(kContainerVar, fields).int_value, 0);
  EXPECT_EQ(store.instance_count(), 0u);
  store.Bind(images.other.get(), 0);
  store.Set(kContainerVar, std::int64_t{3});
  EXPECT_EQ(store.Read(kContainerVar, fields).int_value, 3);

  EXPECT_EQ(store.Read(kPid, fields).int_value, 12);
  std::string first(store.Read(kUuid, fields).string_value);
  std::string second(store.Read(kUuid, fields).string_value);
  EXPECT_EQ(first.size(), 36u);
  EXPECT_EQ(first[14], '4');
  EXPECT_NE(first, second);  // checklist 53: fresh per read
}

}  // namespace
}  // namespace picket::engine
