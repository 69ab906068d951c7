#include "fields/process_args.h"

#include <gtest/gtest.h>

namespace picket::fields {
namespace {

struct ArgsCase {
  std::vector<std::string> argv;  // argv[0] included
  std::vector<std::string> flags;
  std::vector<std::string> options;
};

const ArgsCase kCases[] = {
    // Checklist 30 and spec §11.2 examples.
    {{"ls", "-la"}, {"l", "a", "la"}, {}},
    {{"ls", "-T", "8"}, {"T"}, {"T=8"}},
    {{"ls", "-ln"}, {"l", "n", "ln"}, {}},
    {{"nmap", "-sV"}, {"s", "V", "sV"}, {}},
    {{"x", "--version"}, {"version"}, {}},
    {{"ls", "--width=8"}, {}, {"width=8"}},
    {{"nmap", "-p", "0-1024"}, {"p"}, {"p=0-1024"}},
    {{"bash", "-c", "id"}, {"c"}, {"c=id"}},
    // Edge cases: "-" and "--" alone, empty next argument, next starting with '-'.
    {{"cat", "-"}, {}, {}},
    {{"cmd", "--"}, {}, {}},
    {{"cmd", "-o", ""}, {"o"}, {"o="}},
    {{"cmd", "-a", "-b"}, {"a", "b"}, {}},
    {{"cmd", "--output", "file", "-v"}, {"output", "v"}, {"output=file"}},
    // A short argument with a non-alphanumeric character: no per-char flags.
    {{"cmd", "-a.b"}, {"a.b"}, {}},
    {{"cmd", "-a.b", "v"}, {"a.b"}, {"a.b=v"}},
    {{"cmd", "-x=1"}, {}, {"x=1"}},
    // Options need a leading alphanumeric name.
    {{"cmd", "--_x", "v"}, {"_x"}, {}},
    // argv0 is never an argument.
    {{"-x"}, {}, {}},
    {{}, {}, {}},
};

TEST(ArgsFlagsAndOptionsTest, Table) {
  for (const ArgsCase& c : kCases) {
    std::string trace;
    for (const std::string& arg : c.argv) trace += "[" + arg + "]";
    SCOPED_TRACE(trace);
    ArgsFlagsAndOptions derived = DeriveArgsFlagsAndOptions(c.argv);
    EXPECT_EQ(derived.flags, c.flags);
    EXPECT_EQ(derived.options, c.options);
  }
}

TEST(ProcessArgsTest, JoinAndEnvironment) {
  EXPECT_EQ(JoinArgs({"curl", "-s", "http://x"}), "-s http://x");
  EXPECT_EQ(JoinArgs({"curl"}), "");
  EXPECT_EQ(JoinArgs({}), "");
  EXPECT_EQ(EnvironmentNames({"PATH=/bin", "EMPTY=", "BARE"}),
            (std::vector<std::string>{"PATH", "EMPTY", "BARE"}));
  EXPECT_EQ(EnvironmentValue({"DD_SERVICE_X=1", "DD_SERVICE=web"}, "DD_SERVICE"), "web");
  EXPECT_EQ(EnvironmentValue({"DD_SERVICE"}, "DD_SERVICE"), "");
}

TEST(ProcessArgsTest, PathsAndCgroups) {
  EXPECT_EQ(BaseName("/usr/bin/curl"), "curl");
  EXPECT_EQ(BaseName("curl"), "curl");
  EXPECT_EQ(BaseName("/"), "");
  EXPECT_EQ(Extension("/tmp/x.tar.gz"), "gz");
  EXPECT_EQ(Extension("/home/u/.bashrc"), "");
  EXPECT_EQ(Extension("/a.b/c"), "");
  EXPECT_EQ(CgroupManager("/system.slice/docker-0123.scope"), "docker");
  EXPECT_EQ(CgroupManager("/kubepods/besteffort/pod1/crio-abc"), "cri-o");
  EXPECT_EQ(CgroupManager("/machine.slice/libpod-abc.scope"), "podman");
  EXPECT_EQ(CgroupManager("/system.slice/containerd.service/kubepods-x"), "containerd");
  EXPECT_EQ(CgroupManager("/user.slice/user-1000.slice/session-2.scope"), "systemd");
  EXPECT_EQ(CgroupManager(""), "");
}

}  // namespace
}  // namespace picket::fields
