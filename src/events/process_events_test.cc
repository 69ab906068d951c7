#include "events/process_events.h"

#include <gtest/gtest.h>

namespace picket::events {
namespace {

constexpr std::string_view kId = "2b9c63d684fd7c49135106fffae202a32b9c63d684fd7c49135106fffae202a3";

TEST(ContainerIdTest, FindsIdInRuntimeLayouts) {
  struct Case {
    std::string path;
    std::string_view want;
  };
  const Case cases[] = {
      {"/docker/" + std::string(kId), kId},
      {"/system.slice/docker-" + std::string(kId) + ".scope", kId},
      {"/kubepods/besteffort/pod1234/" + std::string(kId), kId},
      {"/kubepods.slice/kubepods-pod1.slice/cri-containerd-" + std::string(kId) + ".scope", kId},
      {"/user.slice/user-0.slice/session-1.scope", ""},
      {"/", ""},
      {"", ""},
      {"/docker/" + std::string(kId) + "0", ""},  // 65 hex digits: not an id
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    EXPECT_EQ(ContainerIdFromCgroupPath(c.path), c.want);
  }
}

TEST(EventTest, TypeNames) {
  EXPECT_EQ(EventTypeName(Event{ForkEvent{}}), "fork");
  EXPECT_EQ(EventTypeName(Event{ExecEvent{}}), "exec");
  ExitEvent exit{.timestamp_ns = 7, .exit_code = (3 << 8)};
  EXPECT_EQ(EventTypeName(Event{exit}), "exit");
  EXPECT_EQ(TimestampNs(Event{exit}), 7u);
  EXPECT_EQ(exit.exit_status(), 3u);
  EXPECT_EQ(exit.exit_signal(), 0u);
}

}  // namespace
}  // namespace picket::events
