// Values: IP/CIDR parsing and containment, type names, owned values, and
// the default constants of spec §9.

#include "secl/value.h"

#include <gtest/gtest.h>

#include "secl/compiler.h"

namespace picket::secl {
namespace {

struct IpCase {
  std::string_view network;
  std::string_view address;
  bool contains;
};

constexpr IpCase kIpCases[] = {
    {"10.0.0.0/8", "10.1.2.3", true},
    {"10.0.0.0/8", "11.0.0.1", false},
    {"127.0.0.0/8", "127.0.0.1", true},
    {"0.0.0.0/32", "0.0.0.0", true},
    {"0.0.0.0/32", "0.0.0.1", false},
    {"0.0.0.0/0", "8.8.8.8", true},
    {"::1/128", "::1", true},
    {"::1/128", "::2", false},
    {"::/128", "::", true},
    {"::/0", "2001:db8::1", true},
    {"2001:db8::/32", "2001:db8:1::1", true},
    {"2001:db8::/32", "2001:db9::1", false},
    {"192.168.1.1", "192.168.1.1", true},
    {"192.168.1.1", "192.168.1.2", false},
    {"10.0.0.0/8", "10.0.0.0/16", true},
    {"10.0.0.0/16", "10.0.0.0/8", false},
    {"172.16.0.0/12", "172.31.255.255", true},
    {"172.16.0.0/12", "172.32.0.0", false},
};

TEST(IpNetworkTest, Containment) {
  for (const IpCase& c : kIpCases) {
    SCOPED_TRACE(std::string(c.network) + " ∋ " + std::string(c.address));
    std::optional<IpNetwork> network = IpNetwork::Parse(c.network);
    std::optional<IpNetwork> address = IpNetwork::Parse(c.address);
    ASSERT_TRUE(network.has_value());
    ASSERT_TRUE(address.has_value());
    EXPECT_EQ(network->Contains(*address), c.contains);
  }
}

TEST(IpNetworkTest, ParseRejectsMalformedText) {
  for (std::string_view text : {"", "1.2.3", "1.2.3.256", "10.0.0.0/33", "::1/129", "::1::2",
                                "10.0.0.0/", "10.0.0.0/x", "a.b.c.d", "1.2.3.4/8/8"}) {
    EXPECT_FALSE(IpNetwork::Parse(text).has_value()) << text;
  }
}

TEST(IpNetworkTest, CanonicalTextAndHostBits) {
  EXPECT_EQ(IpNetwork::Parse("10.1.2.3/8")->ToString(), "10.0.0.0/8");
  EXPECT_EQ(IpNetwork::Parse("10.1.2.3")->ToString(), "10.1.2.3");
  EXPECT_EQ(IpNetwork::Parse("::1")->ToString(), "::1");
  EXPECT_EQ(IpNetwork::Parse("2001:db8::1/32")->ToString(), "2001:db8::/32");
  EXPECT_EQ(*IpNetwork::Parse("10.0.0.0/8"), *IpNetwork::Parse("10.255.0.0/8"));
  EXPECT_EQ(IpNetwork::FromIpv4(0x7f000001), *IpNetwork::Parse("127.0.0.1"));
}

TEST(ValueTest, TypeNamesAndZeroValues) {
  EXPECT_EQ(TypeName({ScalarType::kString, true}), "string[]");
  EXPECT_EQ(TypeName({ScalarType::kIp, false}), "IP");
  EXPECT_EQ(TypeOf(OwnedValue(std::int64_t{1})), (Type{ScalarType::kInt, false}));
  EXPECT_EQ(TypeOf(OwnedValue(std::vector<std::string>{})), (Type{ScalarType::kString, true}));
  EXPECT_EQ(ZeroOwnedValue({ScalarType::kString, false}), OwnedValue(std::string()));
  EXPECT_EQ(ZeroOwnedValue({ScalarType::kInt, true}), OwnedValue(std::vector<std::int64_t>{}));
  EXPECT_EQ(ToString(OwnedValue(std::vector<std::string>{"a", "b"})), "[a, b]");
  EXPECT_EQ(ToString(OwnedValue(true)), "true");
  EXPECT_EQ(ToString(OwnedValue(std::vector<bool>{true, false})), "[true, false]");
}

TEST(ConstantsTest, EveryConstantTheDefaultPolicyUsesExists) {
  const Environment environment;
  struct Expected {
    std::string_view name;
    std::int64_t value;
  };
  constexpr Expected kExpected[] = {
      {"AF_INET", 2},
      {"AF_INET6", 10},
      {"AUDIT_AUID_UNSET", 4294967295},
      {"BPF_MAP_CREATE", 0},
      {"BPF_OVERRIDE_RETURN", 58},
      {"BPF_PROBE_WRITE_USER", 36},
      {"BPF_PROG_LOAD", 5},
      {"BPF_SEND_SIGNAL", 109},
      {"BPF_SEND_SIGNAL_THREAD", 117},
      {"CAP_SYS_ADMIN", std::int64_t{1} << 21},
      {"COREDUMPED", 1},
      {"O_APPEND", 02000},
      {"O_CREAT", 0100},
      {"O_RDWR", 02},
      {"O_TRUNC", 01000},
      {"O_WRONLY", 01},
      {"PIPE_BUF_FLAG_CAN_MERGE", 0x10},
      {"PROT_EXEC", 4},
      {"PR_SET_NAME", 15},
      {"PTRACE_PEEKDATA", 2},
      {"PTRACE_PEEKTEXT", 1},
      {"PTRACE_PEEKUSR", 3},
      {"PTRACE_POKEDATA", 5},
      {"PTRACE_POKETEXT", 4},
      {"PTRACE_POKEUSR", 6},
      {"PTRACE_TRACEME", 0},
      {"SOL_SOCKET", 1},
      {"SO_ATTACH_FILTER", 26},
      {"SRV", 33},
      {"TXT", 16},
      {"S_ISUID", 04000},
      {"S_IXGRP", 010},
      {"S_IXOTH", 01},
      {"S_IXUSR", 0100},
      {"EACCES", -13},
      {"SIGKILL", 9},
  };
  for (const Expected& expected : kExpected) {
    const OwnedValue* value = environment.FindConstant(expected.name);
    ASSERT_NE(value, nullptr) << expected.name;
    EXPECT_EQ(*value, OwnedValue(expected.value)) << expected.name;
  }
  EXPECT_EQ(*environment.FindConstant("true"), OwnedValue(true));
  EXPECT_EQ(*environment.FindConstant("false"), OwnedValue(false));
  EXPECT_EQ(environment.FindConstant("NOT_A_CONSTANT"), nullptr);
}

}  // namespace
}  // namespace picket::secl
