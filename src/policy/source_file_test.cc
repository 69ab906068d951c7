#include "policy/source_file.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

namespace picket::policy {
namespace {

// For each scalar style, the file position of a marker inside the decoded
// value must be where the marker is in the file.
struct LocateCase {
  std::string_view name;
  std::string_view yaml;  // mapping with key "e"
  std::string_view marker;
  std::uint32_t line;
  std::uint32_t column;
};

constexpr LocateCase kCases[] = {
    {"plain", "e: a == 1 && MARK\n", "MARK", 1, 14},
    {"single quoted", "e: 'x == ''y'' && MARK'\n", "MARK", 1, 19},
    {"double quoted escape", "e: \"x\\t== \\\"y\\\" && MARK\"\n", "MARK", 1, 20},
    {"literal block", "e: |-\n  a == 1 &&\n    MARK == 2\n", "MARK", 3, 5},
    {"folded block", "e: >-\n  a == 1 &&\n  MARK == 2\n", "MARK", 3, 3},
    {"plain multi-line", "e: a == 1 &&\n  MARK == 2\n", "MARK", 2, 3},
    {"tagged", "e: !!str a && MARK\n", "MARK", 1, 15},
    {"literal keep", "k: v\ne: |\n    first\n    MARK\n", "MARK", 4, 5},
};

TEST(LocateScalarTest, MapsDecodedBytesToFilePositions) {
  for (const LocateCase& c : kCases) {
    SCOPED_TRACE(c.name);
    SourceFile file("t.yaml", std::string(c.yaml));
    YAML::Node root = YAML::Load(file.text());
    YAML::Node node = root["e"];
    LocatedString located =
        LocateScalar(file.text(), static_cast<std::uint32_t>(node.Mark().pos), node.Scalar());
    ASSERT_EQ(located.offsets.size(), located.value.size() + 1);
    std::size_t index = located.value.find(c.marker);
    ASSERT_NE(index, std::string::npos) << located.value;
    SourceFile::Position position =
        file.PositionOf(located.FileOffset(static_cast<std::uint32_t>(index)));
    EXPECT_EQ(position.line, c.line);
    EXPECT_EQ(position.column, c.column);
  }
}

TEST(SourceFileTest, LinesAndPositions) {
  SourceFile file("f", "ab\r\ncd\n\nlast");
  EXPECT_EQ(file.Line(1), "ab");
  EXPECT_EQ(file.Line(2), "cd");
  EXPECT_EQ(file.Line(3), "");
  EXPECT_EQ(file.Line(4), "last");
  EXPECT_EQ(file.Line(5), "");
  EXPECT_EQ(file.PositionOf(5).line, 2u);
  EXPECT_EQ(file.PositionOf(5).column, 2u);
  EXPECT_EQ(file.PositionOf(1000).line, 4u);
  EXPECT_EQ(file.OffsetOf(2, 2), 5u);
}

}  // namespace
}  // namespace picket::policy
